import { Injectable, Logger } from '@nestjs/common';
import {
  AuthEvents,
  Exchanges,
  SESSION_REVOCATIONS_ROUTING_KEY,
  SessionRevocationReason,
  UserSessionRevokedEvent,
} from '@app/contracts';
import { uuidv7 } from '@app/common';
import { AmqpConnection, EventPublisher } from '@app/messaging';
import { AuthConfig } from '../auth.config';
import type { RevokedSession } from './sessions.repository';

/**
 * Tells the gateways, after the commit, that sessions were revoked: to the user (their devices
 * learn through their inbox) and on the revocations key every gateway listens to. A failed
 * publish is logged, not thrown: the revocation is committed, and gateways re-check sessions with
 * the auth service within seconds anyway (docs/architecture.md, "Sessions").
 */
@Injectable()
export class SessionEvents {
  private readonly logger = new Logger(SessionEvents.name);

  constructor(
    private readonly events: EventPublisher,
    private readonly amqp: AmqpConnection,
    private readonly config: AuthConfig,
  ) {}

  async revoked(sessions: RevokedSession[], reason: SessionRevocationReason): Promise<void> {
    await Promise.all(sessions.map((s) => this.publish(s, reason)));
  }

  private async publish(session: RevokedSession, reason: SessionRevocationReason): Promise<void> {
    const event: UserSessionRevokedEvent = {
      type: AuthEvents.USER_SESSION_REVOKED,
      v: 1,
      eventId: uuidv7(),
      occurredAt: session.revokedAt.toISOString(),
      userId: session.userId,
      sessionId: session.id,
      reason,
      // The newest access token of the session was signed at the latest now.
      tokensExpireAt: new Date(
        session.revokedAt.getTime() + this.config.ACCESS_TOKEN_TTL_SECONDS * 1000,
      ).toISOString(),
    };
    try {
      await Promise.all([
        this.events.publishUserEvent(session.userId, event),
        this.amqp.publish(Exchanges.USER_EVENTS, SESSION_REVOCATIONS_ROUTING_KEY, event, {
          type: event.type,
          messageId: event.eventId,
          persistent: false,
        }),
      ]);
    } catch (err) {
      this.logger.warn(`could not publish revocation of session ${session.id}: ${(err as Error).message}`);
    }
  }
}

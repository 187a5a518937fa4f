import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { generateRequestDetails } from 'web-push';
import { MessageView, PushConfigView, PushSubscribeCommand, RoomErrorCode } from '@app/contracts';
import { AppException, Metrics } from '@app/common';
import { RoomConfig } from '../room.config';
import { pushPayload, roomTopic, validateSubscription } from './push-policy';
import { PushRepository, PushTarget } from './push.repository';

/** Requests to push services in flight at once; the rest wait their turn. */
const MAX_PARALLEL = 16;
const SEND_TIMEOUT_MS = 10_000;

type PushResult = 'sent' | 'gone' | 'refused' | 'failed';

/**
 * Web push (RFC 8030) to members who have no device connected, sent by the room service right
 * after it stored a message: it already holds the room, the sender and (in the same database)
 * who is a member, who is connected and who subscribed. The request is built and encrypted by
 * `web-push` (aes128gcm, VAPID) and sent with fetch, so the sending is off the message's path.
 */
@Injectable()
export class PushService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Push');
  private readonly results: Counter<string>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly queue: Array<() => Promise<void>> = [];

  constructor(
    private readonly repo: PushRepository,
    private readonly config: RoomConfig,
    metrics: Metrics,
  ) {
    this.results = metrics.counter('happychat_room_push_total', 'Web push requests by outcome', ['result']);
  }

  publicConfig(): PushConfigView {
    return this.config.pushEnabled
      ? { enabled: true, publicKey: this.config.VAPID_PUBLIC_KEY }
      : { enabled: false, publicKey: null };
  }

  async subscribe(cmd: PushSubscribeCommand): Promise<{ subscribed: true }> {
    this.requireEnabled();
    const sub = validateSubscription(cmd.endpoint, cmd.keys, this.config.PUSH_ALLOW_HTTP_LOCALHOST);
    await this.repo.save(cmd.actorId, cmd.sessionId, sub);
    return { subscribed: true };
  }

  async unsubscribe(actorId: string, sessionId: string): Promise<{ removed: boolean }> {
    return { removed: await this.repo.removeSession(actorId, sessionId) };
  }

  /** Called after a message is stored; never throws and never delays the caller. */
  messageCreated(message: MessageView, room: { kind: string; name: string }, senderName: string): void {
    if (!this.config.pushEnabled || message.kind === 'system') return;
    this.track(
      this.repo
        .offlineTargets(message.roomId, message.senderId)
        .then((targets) => {
          if (targets.length === 0) return;
          const payload = JSON.stringify(pushPayload(message, room, senderName));
          for (const target of targets) this.enqueue(() => this.sendOne(target, payload, message.roomId));
        })
        .catch((err: Error) => this.logger.warn(`push targets for room ${message.roomId}: ${err.message}`)),
    );
  }

  /** Let pushes already started finish (bounded) so a restart does not drop them halfway. */
  async beforeApplicationShutdown(): Promise<void> {
    this.queue.length = 0;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((r) => setTimeout(r, SEND_TIMEOUT_MS).unref()),
    ]);
  }

  private requireEnabled(): void {
    if (!this.config.pushEnabled) {
      throw new AppException(RoomErrorCode.PUSH_DISABLED, 'Web push is not configured on this server');
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => {
      this.inFlight.delete(p);
      this.drain();
    });
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue.push(job);
    this.drain();
  }

  private drain(): void {
    while (this.queue.length > 0 && this.inFlight.size < MAX_PARALLEL) {
      const job = this.queue.shift() as () => Promise<void>;
      this.track(job());
    }
  }

  private async sendOne(target: PushTarget, payload: string, roomId: string): Promise<void> {
    let result: PushResult;
    try {
      const request = generateRequestDetails({ endpoint: target.endpoint, keys: target }, payload, {
        TTL: this.config.PUSH_TTL_SECONDS,
        urgency: 'high',
        topic: roomTopic(roomId),
        contentEncoding: 'aes128gcm',
        vapidDetails: {
          subject: this.config.VAPID_SUBJECT,
          publicKey: this.config.VAPID_PUBLIC_KEY,
          privateKey: this.config.VAPID_PRIVATE_KEY,
        },
      });
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k, String(v)]),
      ) as Record<string, string>;
      // fetch sets Content-Length itself from the body.
      delete headers['Content-Length'];
      const res = await fetch(request.endpoint, {
        method: request.method,
        headers,
        body: request.body ?? undefined,
        redirect: 'error',
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 404 || res.status === 410) {
        // The browser unsubscribed or the subscription expired: it will never work again.
        await this.repo.removeEndpoint(target.endpoint, target.p256dh);
        result = 'gone';
      } else if (res.ok) {
        result = 'sent';
      } else {
        result = 'refused';
        this.logger.warn(`push service answered ${res.status} for a subscription of ${target.userId}`);
      }
    } catch (err) {
      result = 'failed';
      this.logger.warn(`push to a subscription of ${target.userId} failed: ${(err as Error).message}`);
    }
    this.results.inc({ result });
  }
}

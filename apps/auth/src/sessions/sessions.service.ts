import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { AuthErrorCode, SessionCheckView, SessionRevocationReason, UserRole } from '@app/contracts';
import { AppException, Metrics, signAccessToken, uuidv7 } from '@app/common';
import { AuthConfig } from '../auth.config';
import type { UserEntity } from '../accounts/entities/user.entity';
import { cleanUserAgent } from '../accounts/user-agent';
import { SessionEntity } from './entities/session.entity';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import { SessionEvents } from './session-events';
import { NewRefreshToken, NewSession, RevokedSession, SessionsRepository } from './sessions.repository';

/** What a successful login, registration or refresh hands back. */
export interface Authenticated {
  user: UserEntity;
  sessionId: string;
  accessToken: string;
  expiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
}

/** Rows for a new session, built before the transaction that stores them. */
export interface PreparedSession {
  session: NewSession;
  refresh: NewRefreshToken;
  refreshToken: string;
}

const REFRESH_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const SESSION_LIST_MAX = 100;
const PRUNE_EVERY_MS = 3_600_000;

@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionsService.name);
  private readonly refreshes: Counter<string>;
  private readonly revocations: Counter<string>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: SessionsRepository,
    private readonly events: SessionEvents,
    private readonly config: AuthConfig,
    metrics: Metrics,
  ) {
    this.refreshes = metrics.counter('happychat_auth_refreshes_total', 'Refresh attempts, by result', [
      'result',
    ]);
    this.revocations = metrics.counter(
      'happychat_auth_sessions_revoked_total',
      'Sessions revoked, by reason',
      ['reason'],
    );
    for (const result of ['rotated', 'reused', 'invalid', 'revoked']) this.refreshes.inc({ result }, 0);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.repository
        .prune()
        .catch((err: Error) => this.logger.warn(`pruning refresh tokens: ${err.message}`));
    }, PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  refreshTtlSeconds(role: UserRole): number {
    return role === 'guest'
      ? this.config.GUEST_REFRESH_TOKEN_TTL_SECONDS
      : this.config.REFRESH_TOKEN_TTL_SECONDS;
  }

  prepare(
    user: Pick<UserEntity, 'id' | 'role'>,
    userAgent: string | undefined,
    now = new Date(),
  ): PreparedSession {
    const sessionId = uuidv7();
    const refreshToken = newRefreshToken();
    const refresh = this.nextRefresh(sessionId, user.role, now, refreshToken);
    return {
      session: {
        id: sessionId,
        userId: user.id,
        userAgent: cleanUserAgent(userAgent),
        createdAt: now,
        expiresAt: refresh.expiresAt,
      },
      refresh,
      refreshToken,
    };
  }

  /** Sign the access token for a stored session. */
  authenticated(
    user: UserEntity,
    sessionId: string,
    refreshToken: string,
    refreshExpiresAt: Date,
  ): Authenticated {
    const { token, expiresAt } = signAccessToken(
      { sub: user.id, sid: sessionId, username: user.username, name: user.displayName, role: user.role },
      this.config.JWT_SECRET,
      this.config.ACCESS_TOKEN_TTL_SECONDS,
    );
    return { user, sessionId, accessToken: token, expiresAt, refreshToken, refreshExpiresAt };
  }

  /** Sign for a session just stored from `prepare`. */
  authenticatedPrepared(user: UserEntity, prepared: PreparedSession): Authenticated {
    return this.authenticated(user, prepared.session.id, prepared.refreshToken, prepared.refresh.expiresAt);
  }

  /** A new session for an existing user (login). */
  async open(user: UserEntity, userAgent: string | undefined): Promise<Authenticated> {
    const prepared = this.prepare(user, userAgent);
    await this.repository.insertSession(prepared.session, prepared.refresh);
    return this.authenticatedPrepared(user, prepared);
  }

  async refresh(refreshToken: string): Promise<Authenticated> {
    if (!REFRESH_TOKEN_SHAPE.test(refreshToken)) throw this.refreshRefused('invalid');
    const token = newRefreshToken();
    let next: NewRefreshToken | undefined;
    const outcome = await this.repository.rotate(hashRefreshToken(refreshToken), (user, sessionId, now) => {
      next = this.nextRefresh(sessionId, user.role, now, token);
      return next;
    });
    switch (outcome.kind) {
      case 'rotated':
        this.refreshes.inc({ result: 'rotated' });
        return this.authenticated(
          outcome.user,
          outcome.sessionId,
          token,
          (next as NewRefreshToken).expiresAt,
        );
      case 'reused':
        this.refreshes.inc({ result: 'reused' });
        if (outcome.revoked) await this.announce([outcome.revoked], 'refresh_reused');
        throw new AppException(
          AuthErrorCode.REFRESH_REUSED,
          'This refresh token was already used; the session is revoked for safety. Log in again.',
        );
      case 'revoked':
        this.refreshes.inc({ result: 'revoked' });
        throw sessionRevoked();
      default:
        throw this.refreshRefused(outcome.kind);
    }
  }

  /** The caller's own session must still be usable (for commands that act on it). */
  async requireActive(userId: string, sessionId: string): Promise<SessionEntity> {
    const session = await this.repository.findActive(userId, sessionId);
    if (!session) throw sessionRevoked();
    return session;
  }

  list(userId: string): Promise<SessionEntity[]> {
    return this.repository.listActive(userId, SESSION_LIST_MAX);
  }

  /** Idempotent: logging out of a session that is already gone revokes nothing. */
  async logout(userId: string, sessionId: string): Promise<number> {
    const revoked = await this.repository.revokeOne(userId, sessionId, 'logout');
    await this.announce(revoked ? [revoked] : [], 'logout');
    return revoked ? 1 : 0;
  }

  async revoke(userId: string, targetSessionId: string): Promise<number> {
    const revoked = await this.repository.revokeOne(userId, targetSessionId, 'revoked');
    if (!revoked) {
      throw new AppException(AuthErrorCode.SESSION_NOT_FOUND, 'No active session of yours has this id');
    }
    await this.announce([revoked], 'revoked');
    return 1;
  }

  async revokeOthers(userId: string, currentSessionId: string): Promise<number> {
    await this.requireActive(userId, currentSessionId);
    const revoked = await this.repository.revokeAllOfUser(userId, 'revoked_others', {
      exceptSessionId: currentSessionId,
    });
    await this.announce(revoked, 'revoked_others');
    return revoked.length;
  }

  /** Metrics and events for sessions revoked (by this service or another one in this process). */
  async announce(revoked: RevokedSession[], reason: SessionRevocationReason): Promise<void> {
    if (revoked.length === 0) return;
    this.revocations.inc({ reason }, revoked.length);
    await this.events.revoked(revoked, reason);
  }

  async check(sessionId: string): Promise<SessionCheckView> {
    const now = Date.now();
    const ttlMs = this.config.ACCESS_TOKEN_TTL_SECONDS * 1000;
    const found = await this.repository.check(sessionId);
    if (!found) return { active: false, tokensExpireAt: new Date(now + ttlMs).toISOString() };
    const { session, deactivated } = found;
    if (!session.revokedAt && !deactivated && session.expiresAt.getTime() > now) {
      return { active: true, userId: session.userId, tokensExpireAt: session.expiresAt.toISOString() };
    }
    const until = session.revokedAt
      ? session.revokedAt.getTime() + ttlMs
      : deactivated
        ? now + ttlMs
        : session.expiresAt.getTime();
    return { active: false, userId: session.userId, tokensExpireAt: new Date(until).toISOString() };
  }

  /** A new refresh token for an existing session, e.g. when a guest's session becomes a user's. */
  prepareRefresh(
    sessionId: string,
    role: UserRole,
    now = new Date(),
  ): { refresh: NewRefreshToken; refreshToken: string } {
    const refreshToken = newRefreshToken();
    return { refresh: this.nextRefresh(sessionId, role, now, refreshToken), refreshToken };
  }

  private nextRefresh(sessionId: string, role: UserRole, now: Date, token: string): NewRefreshToken {
    return {
      tokenHash: hashRefreshToken(token),
      sessionId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.refreshTtlSeconds(role) * 1000),
    };
  }

  private refreshRefused(kind: 'invalid' | 'expired'): AppException {
    this.refreshes.inc({ result: 'invalid' });
    return new AppException(
      AuthErrorCode.REFRESH_INVALID,
      kind === 'expired' ? 'Refresh token expired; log in again' : 'Refresh token is not valid',
    );
  }
}

export function sessionRevoked(): AppException {
  return new AppException(AuthErrorCode.SESSION_REVOKED, 'This session was revoked; log in again');
}

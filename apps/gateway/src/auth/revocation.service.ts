import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import type { Counter } from 'prom-client';
import {
  AuthErrorCode,
  AuthEvents,
  Commands,
  CommonErrorCode,
  Exchanges,
  SESSION_REVOCATIONS_ROUTING_KEY,
} from '@app/contracts';
import { AccessClaims, AppException, Metrics } from '@app/common';
import { AmqpConnection, RpcClient } from '@app/messaging';
import { GatewayConfig } from '../gateway.config';

export interface RevokedSessionNotice {
  userId: string;
  sessionId: string;
}
export type RevocationListener = (notice: RevokedSessionNotice) => void;

/** When an event names no end (or a nonsense one), remember the session this long. */
const DEFAULT_MEMORY_MS = 24 * 3_600_000;
/** Clocks differ a little between services; keep a revoked session a minute past its last token. */
const CLOCK_MARGIN_MS = 60_000;
const MAX_MEMORY_MS = 31 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 30_000;
/** Sessions remembered as active; past this, the cache is dropped and rebuilt by checks. */
const ACTIVE_CACHE_MAX = 100_000;
const CHECK_TIMEOUT_MS = 2_000;
/** The auth service is unreachable or broken: not an answer about the session. */
const FAIL_OPEN_CODES: ReadonlySet<unknown> = new Set([
  CommonErrorCode.SERVICE_UNAVAILABLE,
  CommonErrorCode.UPSTREAM_TIMEOUT,
  CommonErrorCode.INTERNAL,
]);

/**
 * Which sessions this gateway must refuse. Two sources, for immediacy and for correctness:
 *
 * - `user.session.revoked` events, which the auth service also publishes under a key every
 *   gateway's own queue binds (so this gateway hears of every revocation at once, whether or not
 *   it holds that user's sockets). A revoked session is remembered until its last access token
 *   expires (`tokensExpireAt`), after which the token itself is refused.
 * - the `auth.session.check` RPC, asked on a cache miss — at most once per session per
 *   SESSION_CHECK_TTL_MS (concurrent requests share one call) — so a gateway that just started,
 *   or missed events while cut off from the broker, still refuses within that time.
 *
 * If the auth service cannot answer, the session is let through (fail open): the token was
 * verified, lives at most ACCESS_TOKEN_TTL_SECONDS, and revocations that arrive as events still apply.
 */
@Injectable()
export class RevocationService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Revocation');
  private readonly revoked = new Map<string, number>();
  private readonly active = new Map<string, number>();
  private readonly pending = new Map<string, Promise<boolean>>();
  private readonly listeners = new Set<RevocationListener>();
  private readonly checks: Counter<string>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: GatewayConfig,
    private readonly amqp: AmqpConnection,
    private readonly rpc: RpcClient,
    metrics: Metrics,
  ) {
    this.checks = metrics.counter(
      'happychat_gateway_session_checks_total',
      'Sessions checked with the auth service, by answer',
      ['result'],
    );
    for (const result of ['active', 'inactive', 'unavailable']) this.checks.inc({ result }, 0);
  }

  async onModuleInit(): Promise<void> {
    await this.amqp.onConnect(async (model) => {
      const ch = await this.amqp.setupChannel(model, 'revocation');
      const { queue } = await ch.assertQueue('', {
        exclusive: true,
        autoDelete: true,
        durable: false,
        arguments: { 'x-max-length': 10_000 },
      });
      await ch.bindQueue(queue, Exchanges.USER_EVENTS, SESSION_REVOCATIONS_ROUTING_KEY);
      await ch.consume(queue, (msg) => msg && this.onMessage(msg), { noAck: true });
      // Revocations published while we were cut off are lost: ask again about every session.
      this.active.clear();
    });
    this.timer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Synchronous and memory-only: true when this gateway knows the session is revoked. */
  isRevoked(sessionId: string): boolean {
    const until = this.revoked.get(sessionId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.revoked.delete(sessionId);
    return false;
  }

  /** Whether a verified token's session may be used: from memory when possible, else asks the auth service. */
  isActive(claims: Pick<AccessClaims, 'sub' | 'sid'>): Promise<boolean> {
    if (this.isRevoked(claims.sid)) return Promise.resolve(false);
    const freshUntil = this.active.get(claims.sid);
    if (freshUntil !== undefined && freshUntil > Date.now()) return Promise.resolve(true);
    let pending = this.pending.get(claims.sid);
    if (!pending) {
      pending = this.ask(claims).finally(() => this.pending.delete(claims.sid));
      this.pending.set(claims.sid, pending);
    }
    return pending;
  }

  /** Throws `auth.session_revoked` (401) for a session that may no longer be used. */
  async assertActive(claims: Pick<AccessClaims, 'sub' | 'sid'>): Promise<void> {
    if (!(await this.isActive(claims))) {
      throw new AppException(AuthErrorCode.SESSION_REVOKED, 'This session was revoked; log in again');
    }
  }

  /**
   * Called once per newly revoked session (from an event or a check), e.g. to close its sockets.
   * Returns the unsubscribe function.
   */
  onRevoked(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Record a revocation. Idempotent: the same event arriving through the broadcast and through
   * the user's own events notifies listeners once.
   */
  noteRevoked(notice: RevokedSessionNotice & { tokensExpireAt?: string }): void {
    const now = Date.now();
    const end = notice.tokensExpireAt ? Date.parse(notice.tokensExpireAt) : NaN;
    const until = Number.isFinite(end)
      ? Math.min(end + CLOCK_MARGIN_MS, now + MAX_MEMORY_MS)
      : now + DEFAULT_MEMORY_MS;
    const known = this.isRevoked(notice.sessionId);
    this.revoked.set(notice.sessionId, Math.max(until, this.revoked.get(notice.sessionId) ?? 0));
    this.active.delete(notice.sessionId);
    if (known) return;
    for (const listener of this.listeners) {
      try {
        listener({ userId: notice.userId, sessionId: notice.sessionId });
      } catch (err) {
        this.logger.warn(`revocation listener failed: ${(err as Error).message}`);
      }
    }
  }

  private async ask(claims: Pick<AccessClaims, 'sub' | 'sid'>): Promise<boolean> {
    try {
      const answer = await this.rpc.request(
        Commands.AUTH_SESSION_CHECK,
        { sessionId: claims.sid },
        { timeoutMs: Math.min(CHECK_TIMEOUT_MS, this.config.RPC_TIMEOUT_MS) },
      );
      if (answer.active) {
        this.checks.inc({ result: 'active' });
        // A revocation event that raced this answer wins.
        if (this.isRevoked(claims.sid)) return false;
        if (this.active.size >= ACTIVE_CACHE_MAX) this.active.clear();
        this.active.set(claims.sid, Date.now() + this.config.SESSION_CHECK_TTL_MS);
        return true;
      }
      this.checks.inc({ result: 'inactive' });
      this.noteRevoked({
        userId: answer.userId ?? claims.sub,
        sessionId: claims.sid,
        tokensExpireAt: answer.tokensExpireAt,
      });
      return false;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (!FAIL_OPEN_CODES.has(code)) throw err;
      this.checks.inc({ result: 'unavailable' });
      this.logger.warn(
        `auth service did not answer a session check (${String(code)}); letting the token through`,
      );
      return !this.isRevoked(claims.sid);
    }
  }

  private onMessage(msg: ConsumeMessage): void {
    let event: unknown;
    try {
      event = JSON.parse(msg.content.toString('utf8'));
    } catch {
      this.logger.warn('unparseable revocation event');
      return;
    }
    const e = event as { type?: unknown; userId?: unknown; sessionId?: unknown; tokensExpireAt?: unknown };
    if (
      e.type !== AuthEvents.USER_SESSION_REVOKED ||
      typeof e.sessionId !== 'string' ||
      typeof e.userId !== 'string'
    ) {
      return;
    }
    this.noteRevoked({
      userId: e.userId,
      sessionId: e.sessionId,
      tokensExpireAt: typeof e.tokensExpireAt === 'string' ? e.tokensExpireAt : undefined,
    });
  }

  private prune(): void {
    const now = Date.now();
    for (const [sid, until] of this.revoked) if (until <= now) this.revoked.delete(sid);
    for (const [sid, until] of this.active) if (until <= now) this.active.delete(sid);
  }
}

import { createHash } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CommonErrorCode, retryAfterDetail } from '@app/contracts';
import { AppException } from '@app/common';
import { AuthConfig } from '../auth.config';
import { Bucket, ThrottleRepository } from './throttle.repository';

const PRUNE_EVERY_MS = 60_000;

/** What a successful attempt must undo: its count against the client IP, and the account's failures. */
export interface Attempt {
  ids: string[];
  accountKey?: string;
}

/**
 * Sliding-window limits kept in PostgreSQL, so every auth instance sees the same counts.
 * An attempt is counted before the password is checked (so parallel guesses are counted too) and
 * forgotten again when it succeeds: what stays are the failures.
 */
@Injectable()
export class LoginThrottle implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LoginThrottle.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: ThrottleRepository,
    private readonly config: AuthConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Count a login (or password check) attempt for this account and IP, or refuse with 429. */
  async beginLogin(accountKey: string, clientIp: string | undefined): Promise<Attempt> {
    const window = this.config.LOGIN_FAILURE_WINDOW_SECONDS;
    const buckets: Bucket[] = [
      {
        scope: 'login_account',
        key: accountKey,
        limit: this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
        windowSeconds: window,
      },
    ];
    if (clientIp) {
      buckets.push({
        scope: 'login_ip',
        key: clientIp,
        limit: this.config.LOGIN_MAX_FAILURES_PER_IP,
        windowSeconds: window,
      });
    }
    const result = await this.repository.acquire(buckets);
    if (!result.ok) {
      throw new AppException(
        CommonErrorCode.RATE_LIMITED,
        `Too many failed attempts; try again in ${result.retryAfterSeconds} seconds`,
        [retryAfterDetail(result.retryAfterSeconds)],
      );
    }
    return { ids: result.ids, accountKey };
  }

  /** The password was right: the account's failures are forgiven and this attempt is not held against the IP. */
  async succeeded(attempt: Attempt): Promise<void> {
    await this.repository.forget(attempt.ids);
    if (attempt.accountKey) await this.repository.clear('login_account', attempt.accountKey);
  }

  /** Guest identities per client IP: each creation counts, successful or not. */
  async countGuestCreation(clientIp: string | undefined): Promise<void> {
    if (!clientIp) return;
    const result = await this.repository.acquire([
      {
        scope: 'guest_ip',
        key: clientIp,
        limit: this.config.GUESTS_PER_IP,
        windowSeconds: this.config.LOGIN_FAILURE_WINDOW_SECONDS,
      },
    ]);
    if (!result.ok) {
      throw new AppException(
        CommonErrorCode.RATE_LIMITED,
        `Too many guest identities from this address; try again in ${result.retryAfterSeconds} seconds`,
        [retryAfterDetail(result.retryAfterSeconds)],
      );
    }
  }

  private async prune(): Promise<void> {
    try {
      await this.repository.prune(this.config.LOGIN_FAILURE_WINDOW_SECONDS);
    } catch (err) {
      this.logger.warn(`pruning throttle events failed: ${(err as Error).message}`);
    }
  }
}

/**
 * The account a login names, as a throttle key: its username key when the name could exist, else
 * a digest (an invalid name may hold anything, even NUL, and is still throttled).
 */
export function accountThrottleKey(validKey: string | null, raw: string): string {
  return validKey ?? `#${createHash('sha256').update(raw, 'utf8').digest('hex')}`;
}

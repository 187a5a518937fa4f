import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { CommonErrorCode } from '@app/contracts';
import { AppException } from '@app/common';
import { RoomConfig } from '../room.config';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per user, over every device and the HTTP endpoint alike (all sends pass the
 * room service). Kept in memory per instance: with N instances a user may reach N times the
 * rate, which bounds abuse without a database write per message. Full buckets are forgotten, so
 * memory follows the users sending right now.
 */
@Injectable()
export class SendRateLimiter implements OnModuleDestroy {
  private readonly buckets = new Map<string, Bucket>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly config: RoomConfig) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  take(userId: string, now = Date.now()): void {
    const rate = this.config.SEND_RATE_PER_SECOND;
    const burst = this.config.SEND_BURST;
    const b = this.buckets.get(userId) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(userId, b);
      const waitMs = Math.ceil(((1 - b.tokens) / rate) * 1000);
      throw new AppException(CommonErrorCode.RATE_LIMITED, 'You are sending too fast: slow down', [
        { field: 'retryAfterMs', reason: String(waitMs) },
      ]);
    }
    b.tokens -= 1;
    this.buckets.set(userId, b);
  }

  private sweep(now = Date.now()): void {
    const { SEND_RATE_PER_SECOND: rate, SEND_BURST: burst } = this.config;
    for (const [user, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * rate >= burst) this.buckets.delete(user);
    }
  }
}

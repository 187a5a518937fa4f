import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { Metrics } from '@app/common';
import { HistoryConfig } from '../history.config';
import { HISTORY_STORE, HistoryStore, PurgeResult } from './store/history-store';

/**
 * Runs retention every HISTORY_RETENTION_INTERVAL_SECONDS in every instance; the store lets one
 * instance at a time do the work (PostgreSQL advisory lock / MongoDB lease) and the others skip
 * that round. Runs never overlap within a process either. The first run comes one interval after
 * start, so a restart loop cannot turn into a purge loop.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private readonly runs: Counter<string>;
  private readonly deleted: Counter<string>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<PurgeResult | undefined>;

  constructor(
    @Inject(HISTORY_STORE) private readonly store: HistoryStore,
    private readonly config: HistoryConfig,
    metrics: Metrics,
  ) {
    this.runs = metrics.counter('happychat_history_retention_runs_total', 'Retention rounds by outcome', [
      'result',
    ]);
    this.deleted = metrics.counter(
      'happychat_history_retention_deleted_total',
      'Messages deleted for good by retention',
    );
  }

  onApplicationBootstrap(): void {
    const seconds = this.config.HISTORY_RETENTION_INTERVAL_SECONDS;
    if (seconds <= 0) return;
    this.timer = setInterval(() => void this.runOnce(), seconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One round now (skipped if this process is already in one). */
  async runOnce(now = new Date()): Promise<PurgeResult | undefined> {
    if (this.running) return undefined;
    this.running = this.purge(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async purge(now: Date): Promise<PurgeResult | undefined> {
    try {
      const result = await this.store.purgeExpired({
        now,
        globalDays: this.config.HISTORY_RETENTION_DAYS,
        batchSize: this.config.HISTORY_RETENTION_BATCH,
      });
      this.runs.inc({ result: result.ran ? 'ran' : 'skipped' });
      if (result.deleted > 0) {
        this.deleted.inc(result.deleted);
        this.logger.log({ msg: 'retention deleted messages', deleted: result.deleted });
      }
      return result;
    } catch (err) {
      this.runs.inc({ result: 'failed' });
      this.logger.error({ msg: 'retention failed', err: (err as Error).message }, (err as Error).stack);
      return undefined;
    }
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { Metrics } from '@app/common';
import { HistoryConfig } from '../history.config';
import { HISTORY_STORE, HistoryStore } from './store/history-store';

/**
 * Asks the store every HISTORY_SEARCH_MERGE_INTERVAL_MS to fold new messages into the search
 * index (HistoryStore.mergeSearchIndex), so that no append has to. Rounds never overlap: the next
 * is timed from the end of the last, so a slow merge spaces them out instead of piling them up.
 */
@Injectable()
export class SearchMergeScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SearchMerge');
  private readonly runs: Counter<string>;
  private readonly pages: Counter<string>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(HISTORY_STORE) private readonly store: HistoryStore,
    private readonly config: HistoryConfig,
    metrics: Metrics,
  ) {
    this.runs = metrics.counter(
      'happychat_history_search_merge_runs_total',
      'Search index merges by outcome (merged, idle: nothing new, failed)',
      ['result'],
    );
    this.pages = metrics.counter(
      'happychat_history_search_merged_pages_total',
      "Pages of the search index's pending list merged into the index",
    );
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    const ms = this.config.HISTORY_SEARCH_MERGE_INTERVAL_MS;
    if (ms <= 0 || this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.mergeOnce().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, ms);
    this.timer.unref();
  }

  private async mergeOnce(): Promise<void> {
    try {
      const pages = await this.store.mergeSearchIndex();
      this.runs.inc({ result: pages > 0 ? 'merged' : 'idle' });
      this.pages.inc(pages);
    } catch (err) {
      this.runs.inc({ result: 'failed' });
      this.logger.warn({ msg: 'search index merge failed', err: (err as Error).message });
    }
  }
}

import { loadConfig, Metrics } from '@app/common';
import { HistoryConfig } from '../history.config';
import { SearchMergeScheduler } from './search-merge.scheduler';
import { HistoryStore } from './store/history-store';

describe('SearchMergeScheduler', () => {
  let merges: Array<() => void>;
  let outcome: () => Promise<number>;
  let metrics: Metrics;
  let scheduler: SearchMergeScheduler;
  const store = {
    mergeSearchIndex: () =>
      new Promise<number>((resolve, reject) => merges.push(() => outcome().then(resolve, reject))),
  } as unknown as HistoryStore;

  const start = (interval: string) => {
    scheduler = new SearchMergeScheduler(
      store,
      loadConfig(HistoryConfig, { HISTORY_SEARCH_MERGE_INTERVAL_MS: interval }),
      metrics,
    );
    scheduler.onApplicationBootstrap();
  };
  const runs = async () =>
    Object.fromEntries(
      (await metrics.registry.getSingleMetric('happychat_history_search_merge_runs_total')!.get()).values.map(
        (v) => [v.labels.result, v.value],
      ),
    );
  const finishMerge = async () => {
    merges.shift()!();
    await jest.advanceTimersByTimeAsync(0);
  };

  beforeEach(() => {
    jest.useFakeTimers();
    merges = [];
    outcome = async () => 3;
    metrics = new Metrics();
  });

  afterEach(async () => {
    await scheduler.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('merges once per interval, timed from the end of the last merge so that two never overlap', async () => {
    start('1000');
    await jest.advanceTimersByTimeAsync(999);
    expect(merges).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(merges).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(5000);
    expect(merges).toHaveLength(1);
    await finishMerge();
    await jest.advanceTimersByTimeAsync(999);
    expect(merges).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(merges).toHaveLength(1);
    outcome = async () => 0;
    await finishMerge();
    expect(await runs()).toEqual({ merged: 1, idle: 1 });
    const pages = await metrics.registry
      .getSingleMetric('happychat_history_search_merged_pages_total')!
      .get();
    expect(pages.values[0].value).toBe(3);
  });

  it('counts a failed merge and tries again one interval later', async () => {
    start('1000');
    outcome = async () => {
      throw new Error('must be owner of index messages_search_idx');
    };
    await jest.advanceTimersByTimeAsync(1000);
    await finishMerge();
    expect(await runs()).toEqual({ failed: 1 });
    outcome = async () => 2;
    await jest.advanceTimersByTimeAsync(1000);
    await finishMerge();
    expect(await runs()).toEqual({ failed: 1, merged: 1 });
  });

  it('on shutdown waits for the merge under way and starts no other', async () => {
    start('1000');
    await jest.advanceTimersByTimeAsync(1000);
    let stopped = false;
    const stopping = scheduler.onApplicationShutdown().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    await finishMerge();
    await stopping;
    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(merges).toHaveLength(0);
  });

  it('never merges when the interval is 0', async () => {
    start('0');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(merges).toHaveLength(0);
  });
});

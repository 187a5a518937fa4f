import { TurnBatch } from './turn-batch';

describe('TurnBatch', () => {
  it('answers the requests of one turn with one call, each with its own answer', async () => {
    const calls: number[][] = [];
    const batch = new TurnBatch<number, number>(async (xs) => {
      calls.push(xs);
      return xs.map((x) => x * 10);
    });
    await expect(Promise.all([batch.ask(1), batch.ask(2), batch.ask(3)])).resolves.toEqual([10, 20, 30]);
    await expect(batch.ask(4)).resolves.toBe(40);
    expect(calls).toEqual([[1, 2, 3], [4]]);
  });

  it('asks each again on its own when the batch fails, so only the bad one is refused', async () => {
    const calls: number[][] = [];
    const batch = new TurnBatch<number, number>(async (xs) => {
      calls.push(xs);
      if (xs.includes(2)) throw new Error('bad 2');
      return xs;
    });
    const results = await Promise.allSettled([batch.ask(1), batch.ask(2), batch.ask(3)]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('bad 2') },
      { status: 'fulfilled', value: 3 },
    ]);
    expect(calls).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('refuses a batch answered with the wrong number of answers', async () => {
    const batch = new TurnBatch<number, number>(async () => [1]);
    const results = await Promise.allSettled([batch.ask(1), batch.ask(2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    await expect(new TurnBatch<number, number>(async () => []).ask(1)).rejects.toThrow(/0 answers for 1/);
  });
});

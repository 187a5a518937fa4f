import { HeartbeatWheel } from './heartbeat-wheel';

describe('HeartbeatWheel', () => {
  it('visits every member exactly once per round, a slice per turn, slices within one of each other', () => {
    const wheel = new HeartbeatWheel<number>(4);
    for (let i = 0; i < 10; i++) wheel.add(i);
    for (let round = 0; round < 3; round++) {
      const slices = [wheel.turn(), wheel.turn(), wheel.turn(), wheel.turn()];
      expect(slices.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const sizes = slices.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('forgets a deleted member, adds a member once, and lets the caller delete while walking a slice', () => {
    const wheel = new HeartbeatWheel<string>(2);
    wheel.add('a');
    wheel.add('b');
    wheel.add('c');
    wheel.add('a');
    expect(wheel.size).toBe(3);
    const first = wheel.turn();
    expect(first).toEqual(['a', 'c']);
    for (const m of first) wheel.delete(m);
    expect(wheel.size).toBe(1);
    expect(wheel.turn()).toEqual(['b']);
    expect(wheel.turn()).toEqual([]);
    wheel.delete('nobody');
    expect(wheel.size).toBe(1);
  });

  it('refuses a wheel without slices', () => {
    expect(() => new HeartbeatWheel(0)).toThrow(RangeError);
    expect(() => new HeartbeatWheel(1.5)).toThrow(RangeError);
  });
});

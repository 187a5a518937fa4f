import { HeartbeatWheel, heartbeatVerdict } from './heartbeat-wheel';

describe('HeartbeatWheel', () => {
  it('visits every member exactly once per round, a slice per turn, slices within one of each other', () => {
    const wheel = new HeartbeatWheel<number>(4, 1000);
    for (let i = 0; i < 10; i++) wheel.add(i);
    for (let round = 0; round < 3; round++) {
      const slices = [wheel.turn(), wheel.turn(), wheel.turn(), wheel.turn()];
      expect(slices.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const sizes = slices.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('forgets a deleted member, adds a member once, and lets the caller delete while walking a slice', () => {
    const wheel = new HeartbeatWheel<string>(2, 1000);
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
    expect(() => new HeartbeatWheel(0, 1000)).toThrow(RangeError);
    expect(() => new HeartbeatWheel(1.5, 1000)).toThrow(RangeError);
    expect(() => new HeartbeatWheel(4, 0)).toThrow(RangeError);
  });

  it('hands out the slices that came due, catching up when called late, starting afresh when far behind', () => {
    const wheel = new HeartbeatWheel<number>(4, 1000, 0);
    for (let i = 0; i < 4; i++) wheel.add(i);
    expect(wheel.tickMs).toBe(250);
    expect(wheel.due(0)).toEqual([0]);
    expect(wheel.due(100)).toEqual([]);
    expect(wheel.due(760)).toEqual([1, 2, 3]);
    expect(wheel.due(1000)).toEqual([0]);
    // Ten seconds late: one revolution, then the schedule restarts from now.
    expect(wheel.due(11_000).sort()).toEqual([0, 1, 2, 3]);
    expect(wheel.due(11_100)).toEqual([]);
    expect(wheel.due(11_250)).toEqual([1]);
  });
});

describe('heartbeatVerdict', () => {
  const I = 25_000;

  it('leaves a socket heard from within half an interval alone, pings a quieter one, gives up after two', () => {
    expect(heartbeatVerdict(0, true, I)).toBe('alive');
    expect(heartbeatVerdict(I / 2 - 1, true, I)).toBe('alive');
    expect(heartbeatVerdict(I / 2, true, I)).toBe('ping');
    expect(heartbeatVerdict(2 * I, true, I)).toBe('ping');
    expect(heartbeatVerdict(2 * I + 1, true, I)).toBe('dead');
  });

  it('pings a socket that nothing went to since its previous check, however talkative it is', () => {
    expect(heartbeatVerdict(0, true, I)).toBe('alive');
    expect(heartbeatVerdict(0, false, I)).toBe('ping');
  });

  /** Checks once per interval, each late by a pseudo-random delay below `maxLateMs`. */
  function simulate(opts: { answersPings: boolean; clientPingsEvery?: number; maxLateMs: number }) {
    let lastSeen = 0;
    let sentSinceCheck = true;
    let nextClientPing = opts.clientPingsEvery;
    let pings = 0;
    let seed = 7;
    const late = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * opts.maxLateMs;
    for (let k = 1; k <= 400; k++) {
      const now = k * I + late();
      while (nextClientPing !== undefined && nextClientPing <= now) {
        lastSeen = nextClientPing;
        sentSinceCheck = true; // its pong frame
        nextClientPing += opts.clientPingsEvery!;
      }
      const verdict = heartbeatVerdict(now - lastSeen, sentSinceCheck, I);
      sentSinceCheck = false;
      if (verdict === 'dead') return { closedAt: now, pings };
      if (verdict === 'ping') {
        pings++;
        sentSinceCheck = true;
        if (opts.answersPings) lastSeen = now + 1;
      }
    }
    return { closedAt: undefined, pings };
  }

  it('never closes a silent socket that answers pings, even with checks up to half an interval late', () => {
    expect(simulate({ answersPings: true, maxLateMs: I / 2 - 1 }).closedAt).toBeUndefined();
  });

  it('closes a socket that answers nothing between two and three intervals (plus lateness)', () => {
    const { closedAt, pings } = simulate({ answersPings: false, maxLateMs: I / 2 - 1 });
    expect(closedAt).toBeGreaterThan(2 * I);
    expect(closedAt).toBeLessThan(3.5 * I);
    expect(pings).toBeGreaterThanOrEqual(1);
  });

  it('a client whose pings land just before its checks is never pinged back', () => {
    const { closedAt, pings } = simulate({ answersPings: false, clientPingsEvery: I, maxLateMs: 0 });
    expect(closedAt).toBeUndefined();
    expect(pings).toBe(0);
  });
});

// The bench's own tests: does the harness see what it claims to see? Runs the real generator
// process against the bare ws baseline with injected faults (no PostgreSQL/RabbitMQ needed).
//   node --test bench/test/
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Histogram } from '../lib/histogram.mjs';
import { freePort, spawnNode, stopChild, waitReady } from '../lib/infra.mjs';
import { GeneratorProcess } from '../lib/generator-process.mjs';
import { buildPlan, partition } from '../lib/plan.mjs';

const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'happychat-bench-test-'));
const cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('Histogram', () => {
  it('reports quantiles within its 2% bucket precision, never below the true value', () => {
    const h = new Histogram();
    const values = Array.from({ length: 10_000 }, (_, i) => (i + 1) / 10); // 0.1 .. 1000 ms
    for (const v of values) h.record(v);
    for (const [q, exact] of [
      [0.5, 500],
      [0.99, 990],
      [0.999, 999],
    ]) {
      const got = h.quantile(q);
      assert.ok(got >= exact * 0.999 && got <= exact * 1.021, `q${q}: ${got} vs ${exact}`);
    }
    assert.equal(h.summary().max, 1000);
  });

  it('merges across processes as if recorded in one', () => {
    const a = new Histogram();
    const b = new Histogram();
    const both = new Histogram();
    for (let i = 1; i <= 1000; i++) {
      (i % 2 ? a : b).record(i);
      both.record(i);
    }
    const merged = Histogram.fromJSON(JSON.parse(JSON.stringify(a))).merge(b);
    assert.deepEqual(merged.summary(), both.summary());
  });
});

describe('plan', () => {
  it('keeps every room inside one generator and gives each member its position', () => {
    const plan = buildPlan({ w12Users: 400, w1Size: 20, w2Size: 100, w3Users: 1000, w3Size: 20 });
    plan.rooms.forEach((r) => (r.id = r.key));
    const accounts = Array.from({ length: plan.users }, (_, i) => ({ id: `u${i}`, token: null }));
    const parts = partition(plan, { workloads: ['W1', 'W2'], unitWorkload: 'W2', generators: 3, accounts });
    assert.equal(parts.length, 3);
    assert.equal(
      parts.reduce((n, p) => n + p.users.length, 0),
      400,
    );
    for (const part of parts) {
      const here = new Set(part.users.map((u) => u.id));
      for (const user of part.users) {
        assert.deepEqual(user.rooms.map((r) => r.workload).sort(), ['W1', 'W2']);
        for (const r of user.rooms) {
          const room = plan.rooms[r.roomIdx];
          assert.equal(`u${room.members[r.pos]}`, user.id);
          for (const m of room.members)
            assert.ok(here.has(`u${m}`), `room ${room.key} split across generators`);
        }
      }
    }
    const w3 = partition(plan, { workloads: ['W3'], unitWorkload: 'W3', generators: 2, accounts });
    assert.equal(
      w3.reduce((n, p) => n + p.users.length, 0),
      1000,
    );
  });
});

async function baseline(kind, fault) {
  const port = await freePort();
  const child = spawnNode(`${kind}-${fault ?? 'clean'}`, [path.join(BENCH, `baselines/${kind}-server.mjs`)], {
    cwd: BENCH,
    env: { PATH: process.env.PATH, PORT: String(port), ...(fault ? { BENCH_FAULT: fault } : {}) },
    logFile: path.join(logDir, `${kind}-${fault ?? 'clean'}.log`),
  });
  cleanups.push(() => stopChild(child));
  await waitReady(`http://127.0.0.1:${port}/health/ready`, 10_000, child);
  return port;
}

/** 40 users in 2 rooms of 20; one step at `rate` msg/s per user for `ms`. */
async function oneStep(system, port, { rate = 5, ms = 1000, drainMs = 2000 } = {}) {
  const plan = buildPlan({ w12Users: 100, w1Size: 20, w2Size: 100, w3Users: 0, w3Size: 20 });
  plan.rooms.forEach((r) => (r.id = r.key));
  const accounts = Array.from({ length: plan.users }, (_, i) => ({ id: `u${i}`, token: null }));
  // One W1 room per part; this generator takes two of them (40 users).
  const parts = partition(plan, { workloads: ['W1'], unitWorkload: 'W1', generators: 5, accounts });
  const part = { rooms: parts[0].rooms, users: [...parts[0].users, ...parts[1].users] };
  const gen = new GeneratorProcess(`gen-${system}-${port}`, 0, { logDir, runTag: 'test' });
  cleanups.push(() => gen.close());
  const c = await gen.request({ cmd: 'connect', system, target: { port }, ...part, concurrency: 8 }, 20_000);
  assert.equal(c.failed, 0, JSON.stringify(c.errors));
  const r = await gen.request(
    { cmd: 'step', step: 1, workload: 'W1', rate, durationMs: ms, drainMs },
    30_000,
  );
  await gen.close();
  return r;
}

describe('generator against the ws baseline', () => {
  it('counts every delivery once with nothing lost when the server is correct', async () => {
    const r = await oneStep('ws', await baseline('ws'));
    assert.equal(r.sent, 40 * 5); // open loop: 40 users x 5 msg/s x 1 s, whatever came back
    assert.equal(r.expected, r.sent * 19);
    assert.equal(r.delivered, r.expected);
    assert.equal(r.lost, 0);
    assert.equal(r.dup, 0);
    assert.equal(r.misrouted, 0);
    assert.equal(r.selfEcho, r.sent);
    assert.equal(r.acked, r.sent);
    assert.equal(r.ackMissing, 0);
    assert.ok(r.sendMs >= 950 && r.sendMs <= 1300, `send window ${r.sendMs} ms`);
  });

  it('reports losses when the server drops deliveries', async () => {
    const r = await oneStep('ws', await baseline('ws', 'drop:0.05'));
    assert.ok(r.lost > 0, 'a 5% drop must show as losses');
    assert.equal(r.delivered + r.lost, r.expected);
    assert.equal(r.dup, 0);
  });

  it('reports duplicates when the server delivers twice', async () => {
    const r = await oneStep('ws', await baseline('ws', 'dup:0.05'));
    assert.ok(r.dup > 0, 'a 5% duplication must show as duplicates');
    assert.equal(r.lost, 0);
    assert.equal(r.delivered, r.expected);
  });

  it('measures latency from the due send time to each arrival', async () => {
    const r = await oneStep('ws', await baseline('ws', 'delay:80'));
    const h = Histogram.fromJSON(r.hist).summary();
    // Never below the injected delay; the upper bound is loose because the machine may be shared.
    assert.ok(h.p50 >= 80 && h.p50 < 1000, `p50 ${h.p50} ms with an 80 ms server delay`);
    assert.equal(r.lost, 0);
  });

  it('does not wait for the system: a server slower than the drain shows losses, not a slower schedule', async () => {
    const r = await oneStep('ws', await baseline('ws', 'delay:1500'), { drainMs: 300 });
    assert.equal(r.sent, 200);
    assert.ok(r.sendMs < 1300, `sending took ${r.sendMs} ms: the schedule waited for replies`);
    assert.ok(r.lost > 0);
  });
});

describe('generator against the Socket.IO baseline', () => {
  it('counts every delivery once with nothing lost', async () => {
    const r = await oneStep('socketio', await baseline('socketio'));
    assert.equal(r.sent, 200);
    assert.equal(r.delivered, r.expected);
    assert.equal(r.lost, 0);
    assert.equal(r.dup, 0);
    assert.equal(r.acked, r.sent);
  });
});

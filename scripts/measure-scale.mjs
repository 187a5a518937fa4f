#!/usr/bin/env node
// The measurements docs/scaling.md is grounded in, short and bounded (a few minutes at most,
// everything on 127.0.0.1, a fresh database and vhost removed afterwards):
//
//   A. broker: how fast RabbitMQ declares inbox exchanges and creates/removes the bindings the
//      design needs (room bindings on inboxes, gateway-queue-to-inbox bindings), and what a
//      binding costs in broker memory;
//   B. gateway: memory per idle WebSocket (distinct users, then second devices of the same
//      users), the connect rate (each connect binds an inbox and loads memberships), and the
//      binding count that results (= memberships + connected users + one per inbox).
//
//   npm run build:server && node scripts/measure-scale.mjs [--users=1000] [--out=results.json]
//
// Needs PostgreSQL and RabbitMQ as for the tests (scripts/ensure-services.sh) and rabbitmqctl.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/launch-env.mjs';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    'room-size': { type: 'string', default: '20' },
    bindings: { type: 'string', default: '10000' },
    'deadline-s': { type: 'string', default: '420' },
    out: { type: 'string' },
  },
});
const USERS = Number(args.users);
const ROOM_SIZE = Number(args['room-size']);
const BINDINGS = Number(args.bindings);
const DEADLINE = Date.now() + Number(args['deadline-s']) * 1000;
const PG_ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP_BASE = process.env.TEST_AMQP_BASE ?? 'amqp://guest:guest@127.0.0.1:5672';

const require = (await import('node:module')).createRequire(path.join(ROOT, 'package.json'));
const amqp = require('amqplib');
const pg = require('pg');
const WebSocket = require('ws');

const log = (msg) => process.stderr.write(`[measure] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const left = () => DEADLINE - Date.now();
const mib = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
const rabbitmqctl = (...a) => execFileSync('rabbitmqctl', ['-q', ...a], { encoding: 'utf8' });
const brokerMemory = () => Number(rabbitmqctl('eval', 'erlang:memory(total).').trim());
const bindingCount = (vhost) =>
  rabbitmqctl('list_bindings', '-p', vhost, 'source_name').trim().split('\n').length;

async function pool(items, concurrency, fn) {
  const queue = [...items];
  const out = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (queue.length > 0 && left() > 0) {
        const item = queue.shift();
        out.push(await fn(item));
      }
    }),
  );
  return out;
}

async function timed(label, n, fn) {
  const t0 = performance.now();
  const done = await fn();
  const s = (performance.now() - t0) / 1000;
  const count = typeof done === 'number' ? done : n;
  const rate = Math.round(count / s);
  log(`${label}: ${count} in ${s.toFixed(2)} s = ${rate}/s`);
  return { count, seconds: Math.round(s * 100) / 100, perSecond: rate };
}

// ---- A. the broker -----------------------------------------------------------------------------
async function measureBroker() {
  const vhost = `hc_measure_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  rabbitmqctl('add_vhost', vhost);
  rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  const conn = await amqp.connect(`${AMQP_BASE}/${encodeURIComponent(vhost)}`);
  const result = { vhost: 'fresh', bindingsPlanned: BINDINGS };
  try {
    const ch = await conn.createChannel();
    await ch.assertExchange('happychat.room.events', 'topic', { durable: true });
    await ch.assertExchange('happychat.user.events', 'topic', { durable: true });
    const { queue } = await ch.assertQueue('', { exclusive: true, durable: false, autoDelete: true });
    const inboxes = Array.from({ length: BINDINGS / 2 }, () => `happychat.inbox.${randomUUID()}`);
    const memBefore = brokerMemory();
    const channels = await Promise.all(Array.from({ length: 4 }, () => conn.createChannel()));
    const onChannels = (items, fn) =>
      Promise.all(
        channels.map((c, k) =>
          (async () => {
            for (let i = k; i < items.length && left() > 0; i += channels.length) await fn(c, items[i], i);
          })(),
        ),
      );

    result.declareInboxExchanges = await timed('declare inbox exchanges (4 channels)', inboxes.length, () =>
      onChannels(inboxes, (c, x) => c.assertExchange(x, 'fanout', { durable: true })),
    );
    // What the room service does per membership: bind the member's inbox to the room's events.
    result.bindRoomSequential = await timed(
      'room bindings, one channel, one at a time',
      inboxes.length / 2,
      async () => {
        let n = 0;
        for (const x of inboxes.slice(0, inboxes.length / 2)) {
          if (left() <= 0) break;
          await ch.bindExchange(x, 'happychat.room.events', `room.${randomUUID()}.user.*`);
          n++;
        }
        return n;
      },
    );
    result.bindRoomParallel = await timed('room bindings, 4 channels', inboxes.length / 2, () =>
      onChannels(inboxes.slice(inboxes.length / 2), (c, x) =>
        c.bindExchange(x, 'happychat.room.events', `room.${randomUUID()}.user.*`),
      ),
    );
    // What a gateway does per connecting user: bind its one queue to the user's inbox.
    result.bindGatewayQueue = await timed('gateway queue -> inbox bindings, 4 channels', inboxes.length, () =>
      onChannels(inboxes, (c, x) => c.bindQueue(queue, x, '')),
    );
    await sleep(2000);
    const memAfter = brokerMemory();
    result.bindingsCreated = bindingCount(vhost);
    result.brokerMemoryDeltaMiB = mib(memAfter - memBefore);
    result.brokerBytesPerObject = Math.round(
      (memAfter - memBefore) / (inboxes.length + result.bindingsCreated),
    );
    result.unbindGatewayQueue = await timed('gateway queue -> inbox unbind, 4 channels', inboxes.length, () =>
      onChannels(inboxes, (c, x) => c.unbindQueue(queue, x, '')),
    );
    await Promise.all(channels.map((c) => c.close().catch(() => {})));
  } finally {
    await conn.close().catch(() => {});
    rabbitmqctl('delete_vhost', vhost);
  }
  return result;
}

// ---- B. one gateway with idle sockets ---------------------------------------------------------
async function measureGateway() {
  const name = `hc_measure_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  rabbitmqctl('add_vhost', name);
  rabbitmqctl('set_permissions', '-p', name, 'guest', '.*', '.*', '.*');
  const dbUrl = new URL(PG_ADMIN);
  dbUrl.pathname = `/${name}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-measure-'));
  const launcher = spawn(process.execPath, ['scripts/scale-out.mjs'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HAPPYCHAT_NO_BUILD: '1',
      NO_COLOR: '1',
      SCALE_OUT_DIR: dir,
      SCALE_OUT_PORT: '0',
      SCALE_OUT_BASE_PORT: '0',
      SCALE_OUT_GATEWAYS: '1',
      SCALE_OUT_ROOMS: '1',
      SCALE_OUT_HISTORIES: '1',
      DATABASE_URL: dbUrl.toString(),
      AMQP_URL: `${AMQP_BASE}/${encodeURIComponent(name)}`,
      MONGO_URL: '',
      JWT_SECRET: randomBytes(32).toString('base64url'),
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_ITERATIONS: '1',
      LOG_LEVEL: 'warn',
      ROOM_MEMBER_CAP: String(Math.max(100, ROOM_SIZE)),
      // Many accounts from one address in a few seconds: this is a measurement, not an attack.
      LOGIN_MAX_FAILURES_PER_IP: '100000',
      GUESTS_PER_IP: '100000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const sockets = [];
  const result = { users: USERS, roomSize: ROOM_SIZE };
  try {
    const state = () => JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
    while (!(fs.existsSync(path.join(dir, 'state.json')) && state().ready)) {
      if (launcher.exitCode !== null || left() <= 0) throw new Error('scale-out did not start');
      await sleep(250);
    }
    const gw = state().instances['gateway-1'];
    const base = `http://127.0.0.1:${gw.port}`;
    const metrics = async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const v = (n) => Number(text.match(new RegExp(`^${n} (\\S+)`, 'm'))?.[1] ?? NaN);
      return {
        rss: v('process_resident_memory_bytes'),
        // JS heap plus memory outside it (socket buffers): what sockets cost, less GC timing noise than RSS.
        heap: v('nodejs_heap_size_used_bytes') + v('nodejs_external_memory_bytes'),
        conns: v('happychat_gateway_connections'),
      };
    };
    const post = async (p, token, body) => {
      const res = await fetch(`${base}/api/v1${p}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body ?? {}),
      });
      if (res.status >= 300) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const ids = Array.from({ length: USERS }, (_, i) => i);
    const users = [];
    result.register = await timed('register users over HTTP (8 at a time)', USERS, async () => {
      const got = await pool(ids, 8, async (i) =>
        post('/auth/register', null, {
          username: `m${i}_${randomBytes(2).toString('hex')}`,
          password: 'correct horse battery staple',
        }),
      );
      users.push(...got.map((r) => r.accessToken));
      return got.length;
    });
    const rooms = [];
    result.memberships = await timed(
      `rooms of ${ROOM_SIZE}: create + joins (8 at a time)`,
      USERS,
      async () => {
        for (let i = 0; i < users.length; i += ROOM_SIZE) {
          const room = await post('/rooms', users[i], { name: `room ${i / ROOM_SIZE}` });
          rooms.push(room.id);
          // Group rooms are joined with an invite link where the build has them.
          const link = await post(`/rooms/${room.id}/invite-links`, users[i], {}).catch(() => null);
          const body = link?.token ? { inviteToken: link.token } : {};
          await pool(users.slice(i + 1, i + ROOM_SIZE), 8, (t) => post(`/rooms/${room.id}/join`, t, body));
        }
        return users.length;
      },
    );
    const connect = (token) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/ws`, ['happychat.v1', `access_token.${token}`]);
        ws.once('message', () => resolve(ws)); // the first frame is hello
        ws.once('error', reject);
        sockets.push(ws);
      });
    await sleep(3000);
    const m0 = await metrics();
    result.gatewayBefore = { rssMiB: mib(m0.rss), heapPlusExternalMiB: mib(m0.heap) };
    result.bindingsBefore = bindingCount(name);
    result.connectDistinctUsers = await timed(
      'connect one socket per user (16 at a time, until hello)',
      USERS,
      async () => (await pool(users, 16, connect)).length,
    );
    await sleep(5000);
    const m1 = await metrics();
    result.bindingsAfterConnect = bindingCount(name);
    result.gatewayAfterDistinct = {
      rssMiB: mib(m1.rss),
      heapPlusExternalMiB: mib(m1.heap),
      connections: m1.conns,
    };
    result.perSocketDistinctUserKiB = {
      rss: Math.round((m1.rss - m0.rss) / USERS / 102.4) / 10,
      heapPlusExternal: Math.round((m1.heap - m0.heap) / USERS / 102.4) / 10,
    };
    result.connectSecondDevice = await timed(
      'connect a second socket per user',
      USERS,
      async () => (await pool(users, 16, connect)).length,
    );
    await sleep(5000);
    const m2 = await metrics();
    result.gatewayAfterSecondDevice = {
      rssMiB: mib(m2.rss),
      heapPlusExternalMiB: mib(m2.heap),
      connections: m2.conns,
    };
    result.perSocketSameUserKiB = {
      rss: Math.round((m2.rss - m1.rss) / USERS / 102.4) / 10,
      heapPlusExternal: Math.round((m2.heap - m1.heap) / USERS / 102.4) / 10,
    };
    result.rooms = rooms.length;
  } finally {
    for (const ws of sockets) ws.terminate();
    if (launcher.exitCode === null) {
      launcher.kill('SIGTERM');
      await new Promise((r) => launcher.once('exit', r));
    }
    const c = new pg.Client({ connectionString: PG_ADMIN });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
    rabbitmqctl('delete_vhost', name);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

const load = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(' / ');
const results = {
  takenAt: new Date().toISOString(),
  machine: `${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, RabbitMQ ${rabbitmqctl('version').trim()}, load average at start ${load}`,
  broker: await measureBroker(),
  gateway: await measureGateway(),
};
const json = JSON.stringify(results, null, 2);
if (args.out) fs.writeFileSync(args.out, json + '\n');
console.log(json);

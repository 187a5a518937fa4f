#!/usr/bin/env node
// `npm run bench` (full) / `npm run bench -- --quick` (< 2 min): Happy Chat against a bare `ws`
// broadcast server and a Socket.IO rooms server, same generator, same workload, same run.
//
// Happy Chat runs as its four built services (dist/apps/*/src/main.js; `npm run build:server`
// first) on a fresh PostgreSQL database and RabbitMQ vhost, with real accounts, tokens and rooms
// made through the HTTP API, and messages sent as `message.send` frames over /ws. Everything is
// on 127.0.0.1; the run stops itself at a hard deadline and removes its processes, database and
// vhost on the way out, failure included. See docs/performance.md.
//
// Options:
//   --quick                 100 users, 200 W3 connections, 2 s steps (< 2 min in total)
//   --systems=ws,socketio,happychat   --workloads=W1,W2,W3
//   --profile               CPU-profile gateway/room/history during W1/W2 (summary in the JSON)
//   --label="..."           stored with the results, e.g. "busy machine, quick mode"
//   --deadline-s=N          hard deadline (default 115 quick, 2700 full)
//   --generators=N          load-generator processes for W1/W2 and W3 (default 1 quick, 2 full)
//   --users=N --w3-connections=N --step-s=N --drain-s=N --hold-s=N --retries=N   overrides
//                           (any of these, or --systems/--workloads/--deadline-s, files the
//                           results as <date>-<mode>-custom)
//   --w1-rates=1,2,5 --w2-rates=0.5,1   the ladders of r (messages per second per user)
//   --w1-rooms=direct       W1 in direct rooms (pairs of friends, as people chat 1:1) instead of
//                           group rooms of 20; the baselines take the same pairs
//   --readers               every Happy Chat socket marks its rooms read as the web client does: a
//                           `read` frame per room at most every half second while messages come
//                           (receipts go out as the server sends them); the baselines have none
//   --readers-interval-ms=N   a busy room's reads at most every N ms (default 2000, the web
//                           client's; 500 is how it was before 2026-12-07 night)
//   --app-root=DIR          run the services built in DIR/dist instead of this checkout's dist
//                           (e.g. a `git archive` of a commit, while the working tree is mid-edit)
//   --service-env=K=V,room:K=V   extra settings for Happy Chat's services (all, or one by name), over the bench's own
//                           (an A/B of one setting; files the results as -custom)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Histogram } from './lib/histogram.mjs';
import {
  backendPids,
  countRows,
  createDatabase,
  createVhost,
  deleteVhost,
  dropDatabase,
  freePort,
  killAllChildren,
  spawnNode,
  startPgSampler,
  stopChild,
  sweepStale,
  uniqueName,
  waitReady,
} from './lib/infra.mjs';
import { GeneratorProcess } from './lib/generator-process.mjs';
import { buildPlan, partition } from './lib/plan.mjs';
import { cpuSeconds, CpuMeter, machineInfo, pidsByComm, rssKib } from './lib/proc.mjs';
import { renderHtml, renderMarkdown } from './lib/report.mjs';
import { createRooms, registerUsers } from './lib/setup.mjs';
import { summarize } from './profile-summary.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    systems: { type: 'string', default: 'ws,socketio,happychat' },
    workloads: { type: 'string', default: 'W1,W2,W3' },
    profile: { type: 'boolean', default: false },
    label: { type: 'string' },
    'deadline-s': { type: 'string' },
    generators: { type: 'string' },
    users: { type: 'string' },
    'w3-connections': { type: 'string' },
    'step-s': { type: 'string' },
    'drain-s': { type: 'string' },
    'hold-s': { type: 'string' },
    'app-root': { type: 'string' },
    'service-env': { type: 'string' },
    retries: { type: 'string' },
    'w1-rates': { type: 'string' },
    'w2-rates': { type: 'string' },
    'w1-rooms': { type: 'string' },
    readers: { type: 'boolean', default: false },
    'readers-interval-ms': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0]);
  process.exit(0);
}

const MODES = {
  quick: {
    w12Users: 100,
    w3Users: 200,
    generators: 1,
    ladders: { W1: [0.25, 1, 2, 5, 10, 20], W2: [0.1, 0.5, 1, 2, 4] },
    stepMs: 2000,
    drainMs: 5000,
    warmupMs: 1500,
    retries: 0,
    holdMs: 2000,
    w3Rate: 0.1,
    deadlineMs: 115_000,
    quiesceMs: 3000,
  },
  full: {
    w12Users: 1000,
    w3Users: 10_000,
    generators: 2,
    ladders: {
      W1: [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7, 10, 14, 20],
      W2: [0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2],
    },
    stepMs: 15_000,
    drainMs: 10_000,
    warmupMs: 5000,
    retries: 1,
    holdMs: 60_000,
    w3Rate: 0.01,
    deadlineMs: 2700_000,
    quiesceMs: 20_000,
  },
};
const MODE = opts.quick ? 'quick' : 'full';
// Results of a run whose scale was changed are filed as "custom", never as quick or full.
const SCALE_OPTIONS = [
  'users',
  'w3-connections',
  'generators',
  'step-s',
  'drain-s',
  'hold-s',
  'retries',
  'w1-rates',
  'w2-rates',
  'deadline-s',
  'systems',
  'workloads',
  'service-env',
  'w1-rooms',
  'readers',
  'readers-interval-ms',
];
const FILED_AS = SCALE_OPTIONS.some(
  (o) =>
    opts[o] !== undefined &&
    !(o === 'systems' && opts[o] === 'ws,socketio,happychat') &&
    !(o === 'workloads' && opts[o] === 'W1,W2,W3'),
)
  ? `${MODE}-custom`
  : MODE;
const C = { ...MODES[MODE] };
if (opts.users) C.w12Users = Number(opts.users);
if (opts['w3-connections']) C.w3Users = Number(opts['w3-connections']);
if (opts.generators) C.generators = Number(opts.generators);
if (opts['step-s']) C.stepMs = Number(opts['step-s']) * 1000;
if (opts['drain-s']) C.drainMs = Number(opts['drain-s']) * 1000;
if (opts['hold-s']) C.holdMs = Number(opts['hold-s']) * 1000;
if (opts.retries) C.retries = Number(opts.retries);
C.ladders = { ...C.ladders };
if (opts['w1-rates']) C.ladders.W1 = opts['w1-rates'].split(',').map(Number);
if (opts['w2-rates']) C.ladders.W2 = opts['w2-rates'].split(',').map(Number);
if (opts['deadline-s']) C.deadlineMs = Number(opts['deadline-s']) * 1000;
const APP_ROOT = path.resolve(opts['app-root'] ?? ROOT);
const HC_SERVICES = ['auth', 'room', 'history', 'gateway'];
const SERVICE_ENV = parseServiceEnv(opts['service-env']);
if (!['group', 'direct'].includes(opts['w1-rooms'] ?? 'group')) {
  console.error(`--w1-rooms: "${opts['w1-rooms']}" is not group or direct`);
  process.exit(2);
}
const W1_DIRECT = opts['w1-rooms'] === 'direct';
const READERS = opts.readers === true;
const READ_INTERVAL_MS = Number(opts['readers-interval-ms'] ?? 2000);
const SIZES = { W1: W1_DIRECT ? 2 : 20, W2: 100, W3: 20 };
const P99_GOAL_MS = 100;
const SYSTEMS = opts.systems.split(',').filter(Boolean);
const WORKLOADS = opts.workloads.split(',').filter(Boolean);
for (const s of SYSTEMS)
  if (!['ws', 'socketio', 'happychat'].includes(s)) throw new Error(`unknown system ${s}`);

/**
 * `K=V,room:K=V` → { all: env, room: env, ... }: a setting prefixed with a service's name is for
 * that service only. One without a name or an `=`, or for an unknown service, stops the run
 * before it starts.
 */
function parseServiceEnv(text) {
  const env = Object.fromEntries(['all', ...HC_SERVICES].map((s) => [s, {}]));
  for (const pair of (text ?? '').split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    const colon = pair.indexOf(':');
    const service = colon > 0 && colon < at ? pair.slice(0, colon) : 'all';
    const name = pair.slice(service === 'all' ? 0 : colon + 1, at);
    if (at < 1 || !name || !(service in env)) {
      console.error(`--service-env: "${pair}" is not [${HC_SERVICES.join('|')}:]NAME=value`);
      process.exit(2);
    }
    env[service][name] = pair.slice(at + 1);
  }
  return env;
}

function buildInfo() {
  const git = (...a) => {
    try {
      return execFileSync('git', ['-C', ROOT, ...a], { encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  const fromFile = path.join(APP_ROOT, '.source-commit');
  if (APP_ROOT !== ROOT)
    return {
      appRoot: APP_ROOT,
      commit: fs.existsSync(fromFile) ? fs.readFileSync(fromFile, 'utf8').trim() : null,
    };
  return {
    appRoot: APP_ROOT,
    commit: git('rev-parse', 'HEAD'),
    workingTreeDirty: Boolean(git('status', '--porcelain', 'apps', 'libs')),
    distOlderThanSources: newestMtime(path.join(ROOT, 'apps')) > distMtime(),
  };
}

function newestMtime(dir, keep = (name) => name.endsWith('.ts') && !name.endsWith('spec.ts')) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !keep(entry.name)) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/** When the last build wrote anything: tsc leaves an output whose text did not change untouched. */
function distMtime() {
  return newestMtime(path.join(ROOT, 'dist/apps'), (name) => name.endsWith('.js'));
}

const startedAt = Date.now();
const hardDeadline = startedAt + C.deadlineMs;
const stamp = new Date(startedAt).toISOString().slice(0, 16).replace(':', '');
const RUN_TAG = randomBytes(3).toString('hex');
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), `happychat-bench-${stamp}-`));
const resultsDir = path.join(ROOT, 'bench/results');
const log = (msg) => console.log(`[bench +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const results = {
  runId: `${stamp}-${FILED_AS}-${RUN_TAG}`,
  mode: FILED_AS,
  options: opts,
  label: opts.label ?? (MODE === 'quick' ? 'quick mode' : 'full mode'),
  startedAt: new Date(startedAt).toISOString(),
  finishedAt: null,
  aborted: null,
  machine: machineInfo(),
  config: {
    ...C,
    systems: SYSTEMS,
    workloads: WORKLOADS,
    roomSizes: SIZES,
    p99GoalMs: P99_GOAL_MS,
    happychatEnv:
      'ARGON2_MEMORY_KIB=1024 ARGON2_ITERATIONS=1 (setup speed only), ACCESS_TOKEN_TTL_SECONDS=10800 (tokens must outlive the run), SEND_RATE_PER_SECOND=10000 and SEND_BURST=100000 (the per-user anti-abuse limit off), SHUTDOWN_TIMEOUT_MS=3000, LOG_LEVEL=warn; everything else at its default',

    description: '',
  },
  build: buildInfo(),
  setup: {},
  steps: [],
  warmups: [],
  breaks: [],
  lateArrivals: [],
  sustainable: {},
  ratios: {},
  w3: [],
  persistence: null,
  profiles: null,
  notes: [],
};
results.config.description =
  `W1: ${C.w12Users} users in ${W1_DIRECT ? 'direct rooms (pairs of friends)' : `rooms of ${SIZES.W1}`}; W2: the same users in rooms of ${SIZES.W2}; each user sends r msg/s ` +
  (READERS
    ? `and marks each room read as the web client does (a read frame per room at most every 0.5 s) `
    : '') +
  `on an open-loop schedule for ${C.stepMs / 1000} s, then up to ${C.drainMs / 1000} s of drain; r steps up until a step breaks ` +
  `(p99 > ${P99_GOAL_MS} ms, a loss, an error or a closed socket${C.retries ? `; a step that breaks on latency alone is run again ${C.retries} time(s) and counts as broken only if every try breaks` : ''}). ` +
  `Each system first gets ${C.warmupMs / 1000} s of unrecorded warm-up traffic per workload. Latency = due send time -> arrival at each other member, ` +
  `generator clock. W3 (run first, on server processes that have only served the setup): ${C.w3Users} connections (rooms of ${SIZES.W3}), heartbeats, ` +
  `${C.w3Rate} msg/s per user for ${C.holdMs / 1000} s. ${C.generators} generator process(es) per system, 127.0.0.1 only.`;

// ------------------------------------------------------------------ cleanup and deadline

const owned = { db: null, vhost: null, children: new Set() };
let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    const stops = [...owned.children].reverse();
    for (const child of stops) await stopChild(child, 4000).catch(() => undefined);
    killAllChildren();
    if (owned.db)
      await dropDatabase(owned.db).catch((e) => log(`could not drop database ${owned.db}: ${e.message}`));
    if (owned.vhost)
      await deleteVhost(owned.vhost).catch((e) => log(`could not delete vhost ${owned.vhost}: ${e.message}`));
    log(
      `cleaned up (processes, database ${owned.db ?? '-'}, vhost ${owned.vhost ?? '-'}); logs in ${logDir}`,
    );
  })();
  return cleaning;
}
async function abort(reason, code) {
  if (results.aborted) return;
  results.aborted = reason;
  log(`ABORT: ${reason}`);
  setTimeout(() => process.exit(code), 45_000).unref(); // cleanup itself is bounded too
  try {
    writeResults();
  } catch (e) {
    log(`could not write partial results: ${e.message}`);
  }
  await cleanup();
  process.exit(code);
}
const deadlineTimer = setTimeout(
  () => abort(`hard deadline of ${C.deadlineMs / 1000} s reached`, 3),
  C.deadlineMs,
);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => abort(`received ${sig}`, 130));
process.on('uncaughtException', (err) => (console.error(err), abort(`crashed: ${err.message}`, 1)));
process.on('unhandledRejection', (err) => (console.error(err), abort(`crashed: ${err?.message ?? err}`, 1)));

function own(child) {
  owned.children.add(child);
  child.proc.on('exit', () => owned.children.delete(child));
  return child;
}

// ------------------------------------------------------------------ generators

function newGenerator(name, gen) {
  const g = new GeneratorProcess(name, gen, { logDir, runTag: RUN_TAG });
  own(g.child);
  return g;
}

// ------------------------------------------------------------------ systems under test

function serviceEnv(extra) {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG ?? 'C.UTF-8', ...extra };
}

const memDir = path.join(logDir, 'memory');
fs.mkdirSync(memDir, { recursive: true });
/** Every server under test (gateway and baselines) gets the same memory probe for W3. */
const memoryProbeArgs = [
  '--expose-gc',
  '--import',
  pathToFileURL(path.join(ROOT, 'bench/lib/memory-probe.mjs')).href,
];

async function startBaseline(kind) {
  const port = await freePort();
  const child = own(
    spawnNode(kind, [path.join(ROOT, `bench/baselines/${kind === 'ws' ? 'ws' : 'socketio'}-server.mjs`)], {
      cwd: ROOT,
      env: serviceEnv({ PORT: String(port), BENCH_MEM_DIR: memDir, BENCH_PROC_NAME: kind }),
      logFile: path.join(logDir, `${kind}-server.log`),
      nodeArgs: memoryProbeArgs,
    }),
  );
  await waitReady(`http://127.0.0.1:${port}/health/ready`, 20_000, child);
  return { port, child };
}

const profileDir = path.join(logDir, 'profiles');
function startService(hc, name) {
  const port = hc.ports[name];
  // reflect-metadata first: Nest loads it anyway, but a service whose main.js reaches a decorated
  // contract class before @nestjs/common does would crash at start without it.
  const nodeArgs = ['--require', 'reflect-metadata'];
  if (name === 'gateway') nodeArgs.push(...memoryProbeArgs);
  if (opts.profile && name !== 'auth')
    nodeArgs.push('--import', pathToFileURL(path.join(ROOT, 'bench/lib/cpu-profiler.mjs')).href);
  const child = own(
    spawnNode(name, [path.join(APP_ROOT, `dist/apps/${name}/src/main.js`)], {
      cwd: APP_ROOT,
      env: serviceEnv({
        ...hc.env,
        ...SERVICE_ENV[name],
        HTTP_PORT: String(port),
        BENCH_PROC_NAME: name,
        BENCH_MEM_DIR: memDir,
        ...(opts.profile ? { BENCH_CPU_PROF_DIR: profileDir } : {}),
      }),
      logFile: path.join(logDir, `${name}.log`),
      nodeArgs,
    }),
  );
  hc.services[name] = child;
  return waitReady(`http://127.0.0.1:${port}/health/ready`, 60_000, child);
}

async function startHappyChat() {
  for (const name of HC_SERVICES)
    if (!fs.existsSync(path.join(APP_ROOT, `dist/apps/${name}/src/main.js`)))
      throw new Error(
        `${APP_ROOT}/dist/apps/${name}/src/main.js missing: run \`npm run build:server\` first`,
      );
  const name = uniqueName();
  owned.db = name;
  owned.vhost = name;
  const [dbUrl, amqpUrl] = await Promise.all([createDatabase(name), createVhost(name)]);
  const hc = {
    dbName: name,
    dbUrl,
    ports: {},
    services: {},
    env: {
      AMQP_URL: amqpUrl,
      DATABASE_URL: dbUrl,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_ITERATIONS: '1',
      // A full run outlasts a short access-token lifetime; sockets connect long after registration.
      ACCESS_TOKEN_TTL_SECONDS: '10800',
      // The load ladder is the workload: the per-user anti-abuse limit must not shape it.
      SEND_RATE_PER_SECOND: '10000',
      SEND_BURST: '100000',
      MONGO_URL: '',
      SHUTDOWN_TIMEOUT_MS: '3000',
      NODE_ENV: 'production',
      ...SERVICE_ENV.all,
    },
  };
  for (const s of HC_SERVICES) hc.ports[s] = await freePort();
  // The gateway last, as scripts/start.mjs does: it binds to exchanges the backends declare.
  await Promise.all(['auth', 'room', 'history'].map((s) => startService(hc, s)));
  await startService(hc, 'gateway');
  hc.port = hc.ports.gateway;
  hc.base = `http://127.0.0.1:${hc.port}`;
  return hc;
}

/** Named pid groups whose CPU is reported per step. */
async function cpuGroups(sys) {
  const groups = { generator: sys.gens.map((g) => g.pid) };
  if (sys.name === 'happychat') {
    for (const [name, child] of Object.entries(sys.hc.services)) groups[name] = [child.pid];
    groups.postgres = await backendPids(sys.hc.dbName).catch(() => []);
    groups['rabbitmq (shared)'] = pidsByComm('beam.smp');
  } else {
    groups.server = [sys.server.child.pid];
  }
  return groups;
}
const serverPid = (sys) => (sys.name === 'happychat' ? sys.hc.services.gateway.pid : sys.server.child.pid);

// ------------------------------------------------------------------ steps

function mergeCounts(into, from) {
  for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
  return into;
}

let stepCounter = 0;
async function runStep(sys, workload, rate, durationMs, drainMs, { quiet = false } = {}) {
  const step = ++stepCounter;
  const groups = await cpuGroups(sys);
  const meter = new CpuMeter(groups).start();
  const stepStart = performance.now();
  const stopSampler = sys.name === 'happychat' ? await startPgSampler(sys.hc.dbName).catch(() => null) : null;
  const parts = await Promise.all(
    sys.gens.map((g) =>
      g.request({ cmd: 'step', step, workload, rate, durationMs, drainMs }, durationMs + drainMs + 60_000),
    ),
  );
  const cpu = meter.read();
  const cpuWait = meter.readWait();
  let pgConnectionsOpened;
  if (sys.name === 'happychat') {
    // Pool connections opened during the step (pg pools close idle ones) count from their birth.
    const born = (await backendPids(sys.hc.dbName).catch(() => [])).filter(
      (pid) => !groups.postgres.includes(pid),
    );
    const wall = (performance.now() - stepStart) / 1000;
    const extra = born.reduce((a, pid) => a + (cpuSeconds(pid) ?? 0), 0) / wall;
    cpu.postgres = Math.round((cpu.postgres + extra) * 1000) / 1000;
    pgConnectionsOpened = born.length;
  }
  const pgActivity = stopSampler ? await stopSampler() : undefined;
  const sum = (k) => parts.reduce((a, p) => a + p[k], 0);
  const hist = parts.reduce((h, p) => h.merge(Histogram.fromJSON(p.hist)), new Histogram());
  const ackHist = parts.reduce((h, p) => h.merge(Histogram.fromJSON(p.ackHist)), new Histogram());
  const lagHist = parts.reduce((h, p) => h.merge(Histogram.fromJSON(p.lagHist)), new Histogram());
  const ackErrors = parts.reduce((a, p) => mergeCounts(a, p.ackErrors), {});
  const closes = parts.reduce((a, p) => mergeCounts(a, p.closes), {});
  const spanMs = Math.max(durationMs, ...parts.map((p) => p.spanMs));
  const r = {
    system: sys.name,
    workload,
    rate,
    step,
    at: new Date().toISOString(),
    senders: sum('senders'),
    sent: sum('sent'),
    expected: sum('expected'),
    delivered: sum('delivered'),
    lost: sum('lost'),
    dup: sum('dup'),
    misrouted: sum('misrouted'),
    selfEcho: sum('selfEcho'),
    lateFromEarlier: sum('lateFromEarlier'),
    acked: sum('acked'),
    ackErrors,
    ackErrorsTotal: Object.values(ackErrors).reduce((a, b) => a + b, 0),
    ackMissing: sum('ackMissing'),
    ackDup: sum('ackDup'),
    closes,
    pingsSent: sum('pingsSent'),
    pongs: sum('pongs'),
    offeredDeliveriesPerSec: Math.round(sum('expected') / (durationMs / 1000)),
    deliveriesPerSec: Math.round(sum('delivered') / (spanMs / 1000)),
    latency: hist.summary(),
    ack: ackHist.summary(),
    sendLag: lagHist.summary(),
    drainUsedMs: Math.max(...parts.map((p) => p.drainUsedMs)),
    cpu,
    // CPU time each process spent per message sent (its fan-out included), in ms.
    cpuMsPerMessage: Object.fromEntries(
      Object.entries(cpu).map(([k, v]) => [
        k,
        Math.round(((v * 1000) / (sum('sent') / (durationMs / 1000))) * 100) / 100,
      ]),
    ),
    cpuWait,
    pgActivity,
    pgConnectionsOpened,
    serverRssKiB: rssKib(serverPid(sys)),
  };
  const fail = [];
  if (r.latency.p99 === null || r.latency.p99 > P99_GOAL_MS) fail.push(`p99 ${r.latency.p99} ms`);
  if (r.lost > 0) fail.push(`${r.lost} lost`);
  if (r.ackErrorsTotal > 0) fail.push(`errors ${JSON.stringify(ackErrors)}`);
  if (r.ackMissing > 0) fail.push(`${r.ackMissing} unanswered sends`);
  if (r.misrouted > 0) fail.push(`${r.misrouted} misrouted`);
  if (Object.keys(closes).length > 0) fail.push(`sockets closed ${JSON.stringify(closes)}`);
  r.pass = fail.length === 0;
  r.failReasons = fail;
  r.latencyOnly = fail.length === 1 && fail[0].startsWith('p99');
  r.generatorBound = (r.sendLag.p99 ?? 0) > 10;
  if (pgActivity)
    log(
      `  PostgreSQL backends (average count): ${Object.entries(pgActivity)
        .slice(0, 5)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  log(
    `${quiet ? 'warm-up ' : ''}${sys.name.padEnd(9)} ${workload} r=${rate}: offered ${r.offeredDeliveriesPerSec}/s delivered ${r.deliveriesPerSec}/s ` +
      `p50 ${r.latency.p50} p99 ${r.latency.p99} p999 ${r.latency.p999} ms, lost ${r.lost} dup ${r.dup}, ` +
      `ack p99 ${r.ack.p99} ms, lag p99 ${r.sendLag.p99} ms, cpu ${JSON.stringify(cpu)} waiting for a CPU ${JSON.stringify(cpuWait)} -> ${r.pass ? 'ok' : 'BROKE: ' + fail.join('; ')}`,
  );
  return r;
}

/** Unrecorded traffic first, so JIT warm-up and cold caches do not land in the first step. */
async function warmup(sys, workload, rate) {
  const r = await runStep(sys, workload, rate, C.warmupMs, Math.min(C.drainMs, 2000), { quiet: true });
  results.warmups.push({
    system: sys.name,
    workload,
    rate,
    sent: r.sent,
    acked: r.acked,
    p50: r.latency.p50,
    p99: r.latency.p99,
    lost: r.lost,
    pass: r.pass,
  });
  if (!r.pass) await quiesce(sys, C.quiesceMs);
}

/** After a broken step, let the system work off its backlog so it does not tax the next system's step. */
async function quiesce(sys, maxMs) {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const meter = new CpuMeter(await cpuGroups(sys)).start();
    await sleep(500);
    const used = Object.entries(meter.read())
      .filter(([k]) => !k.includes('shared'))
      .reduce((a, [, v]) => a + v, 0);
    if (used < 0.15) return;
  }
}

async function connectGenerators(sys, phase, parts, { append = false } = {}) {
  const offset = append ? sys.gens.length : 0;
  const gens = parts.map((_, g) => newGenerator(`gen-${sys.name}-${phase}-${offset + g}`, offset + g));
  sys.gens = append ? [...sys.gens, ...gens] : gens;
  const target = { port: sys.name === 'happychat' ? sys.hc.port : sys.server.port };
  const connected = await Promise.all(
    gens.map((g, i) =>
      g.request(
        {
          cmd: 'connect',
          system: sys.name,
          target,
          rooms: parts[i].rooms,
          users: parts[i].users,
          concurrency: 32,
          readers: READERS,
          readIntervalMs: READ_INTERVAL_MS,
        },
        300_000,
      ),
    ),
  );
  const failed = connected.reduce((a, c) => a + c.failed, 0);
  const ms = Math.max(...connected.map((c) => c.ms));
  if (failed > 0)
    throw new Error(
      `${sys.name}: ${failed} sockets failed to connect: ${JSON.stringify(connected.map((c) => c.errors))}`,
    );
  return { connected: connected.reduce((a, c) => a + c.connected, 0), failed, ms };
}

async function closeGenerators(sys, phase) {
  await sleep(MODE === 'quick' ? 500 : 2000); // what is still in flight arrives as "late"
  const status = await Promise.all(
    sys.gens.map((g) => g.request({ cmd: 'status' }, 10_000).catch(() => null)),
  );
  const late = status.reduce((a, st) => a + (st?.lateFromEarlier ?? 0), 0);
  results.lateArrivals.push({ system: sys.name, phase, deliveriesAfterTheirStepsDrain: late });
  if (READERS && sys.name === 'happychat') {
    const framesByType = {};
    for (const st of status)
      for (const [type, n] of Object.entries(st?.otherFrames ?? {}))
        framesByType[type] = (framesByType[type] ?? 0) + n;
    const readsSent = status.reduce((a, st) => a + (st?.readsSent ?? 0), 0);
    (results.readers ??= []).push({ phase, readsSent, framesByType });
    log(
      `${sys.name} ${phase} readers: ${readsSent} read frames sent; other frames received ${JSON.stringify(framesByType)}`,
    );
  }
  await Promise.all(sys.gens.map((g) => g.close()));
  sys.gens = [];
}

// ------------------------------------------------------------------ phases

const timeLeft = () => hardDeadline - Date.now();

async function ladderPhase(systems, planOf, accountsOf) {
  const workloads = WORKLOADS.filter((w) => w === 'W1' || w === 'W2');
  if (workloads.length === 0) return;
  for (const sys of systems) {
    const parts = partition(planOf(sys), {
      workloads: ['W1', 'W2'],
      unitWorkload: 'W2',
      generators: C.generators,
      accounts: accountsOf(sys),
    });
    const c = await connectGenerators(sys, 'w12', parts);
    log(
      `${sys.name}: ${c.connected} sockets connected in ${c.ms} ms (${sys.gens.length} generator process(es))`,
    );
  }
  if (opts.profile) for (const sys of systems.filter((s) => s.name === 'happychat')) toggleProfilers(sys);
  const reserve = MODE === 'quick' ? 10_000 : 30_000; // cleanup
  for (const workload of workloads) {
    let alive = [...systems];
    const ladder = C.ladders[workload];
    for (const sys of alive) await warmup(sys, workload, ladder[0]);
    for (let k = 0; k < ladder.length && alive.length > 0; k++) {
      const need = alive.length * (C.stepMs + Math.min(C.drainMs, 2000) + 500);
      if (timeLeft() - reserve < need) {
        results.notes.push(
          `${workload}: ladder stopped at r=${ladder[k - 1] ?? 0} by the time budget (not by a break) for ${alive.map((s) => s.name).join(', ')}`,
        );
        break;
      }
      const order = alive.map((_, i) => alive[(i + k) % alive.length]); // rotate: no system always goes first
      const broke = new Set();
      for (const sys of order) {
        let r;
        for (let attempt = 0; attempt <= C.retries; attempt++) {
          if (attempt > 0)
            log(`${sys.name} ${workload} r=${ladder[k]}: broke on latency alone; trying again`);
          r = await runStep(sys, workload, ladder[k], C.stepMs, C.drainMs);
          r.attempt = attempt + 1;
          results.steps.push(r);
          if (!r.pass) await quiesce(sys, C.quiesceMs);
          if (r.pass || !r.latencyOnly) break;
        }
        if (!r.pass) {
          broke.add(sys);
          results.breaks.push({ workload, system: sys.name, rate: ladder[k], reasons: r.failReasons });
        }
      }
      alive = alive.filter((s) => !broke.has(s));
    }
  }
  if (opts.profile)
    for (const sys of systems.filter((s) => s.name === 'happychat')) await collectProfiles(sys);
  for (const sys of systems) await closeGenerators(sys, 'W1/W2');
}

function toggleProfilers(sys) {
  for (const name of ['gateway', 'room', 'history']) sys.hc.services[name].proc.kill('SIGUSR2');
}

async function collectProfiles(sys) {
  fs.mkdirSync(profileDir, { recursive: true });
  toggleProfilers(sys);
  const want = ['gateway', 'room', 'history'].map((n) =>
    path.join(profileDir, `${n}-${sys.hc.services[n].pid}.cpuprofile`),
  );
  for (let i = 0; i < 100 && !want.every((f) => fs.existsSync(f)); i++) await sleep(200);
  await sleep(500); // let the last write finish
  results.profiles = {};
  for (const file of want.filter((f) => fs.existsSync(f))) {
    const name = path.basename(file).split('-')[0];
    try {
      results.profiles[name] = { file, ...summarize(JSON.parse(fs.readFileSync(file, 'utf8')), 20) };
    } catch (e) {
      results.profiles[name] = { file, error: e.message };
    }
  }
  log(`CPU profiles in ${profileDir}`);
}

/**
 * Live memory of a server process: a full GC (memory-probe.mjs, SIGWINCH), then VmRSS from /proc
 * and the heap figures the process wrote. Falls back to plain VmRSS if the probe does not answer.
 */
async function measureMemory(child) {
  const file = path.join(memDir, `${child.name}-${child.pid}.json`);
  const sentAt = Date.now();
  child.proc.kill('SIGWINCH');
  for (let i = 0; i < 50; i++) {
    await sleep(100);
    try {
      const m = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (m.at >= sentAt)
        return {
          afterGc: true,
          rssKiB: await settledRss(child.pid),
          heapUsedKiB: Math.round(m.heapUsed / 1024),
          heapTotalKiB: Math.round(m.heapTotal / 1024),
          externalKiB: Math.round((m.external + m.arrayBuffers) / 1024),
        };
    } catch {
      /* not written yet */
    }
  }
  return { afterGc: false, rssKiB: await settledRss(child.pid) };
}

/** V8 hands freed pages back to the OS a little after a GC: wait until VmRSS stops moving. */
async function settledRss(pid) {
  let last = rssKib(pid);
  for (let i = 0, stable = 0; i < (MODE === 'quick' ? 12 : 40) && stable < 3; i++) {
    await sleep(250);
    const now = rssKib(pid);
    stable = Math.abs(now - last) <= last * 0.005 ? stable + 1 : 0;
    last = now;
  }
  return last;
}

/**
 * W3 runs first, each system on a server process that has served nothing yet: the baselines as
 * started, Happy Chat on a gateway restarted after the setup traffic (restarted in the background
 * while the baselines run), so "RSS before" is a fresh process whose heap holds no setup garbage
 * that a GC could hand back in the middle of the measurement.
 */
async function w3Phase(systems, planOf, accountsOf) {
  if (!WORKLOADS.includes('W3')) return;
  const hcSys = systems.find((s) => s.name === 'happychat');
  const gatewayRestart = hcSys
    ? stopChild(hcSys.hc.services.gateway, 8000).then(() => startService(hcSys.hc, 'gateway'))
    : Promise.resolve();
  gatewayRestart.catch(() => undefined);
  for (const sys of [...systems].sort((a, b) => (a === hcSys) - (b === hcSys))) {
    if (sys === hcSys) await gatewayRestart;
    if (timeLeft() < 40_000) {
      results.notes.push(`W3 skipped for ${sys.name}: not enough time left before the hard deadline`);
      continue;
    }
    await quiesce(sys, C.quiesceMs);
    const server = sys.name === 'happychat' ? sys.hc.services.gateway : sys.server.child;
    const rawBeforeKiB = rssKib(server.pid);
    const before = await measureMemory(server);
    // Two halves, each whole rooms in its own generator process(es): the second half gives the
    // marginal cost of a connection on a server that is already warm and already holds sockets.
    const parts = partition(planOf(sys), {
      workloads: ['W3'],
      unitWorkload: 'W3',
      generators: 2 * C.generators,
      accounts: accountsOf(sys),
    });
    const half = Math.ceil(parts.length / 2);
    const c1 = await connectGenerators(sys, 'w3', parts.slice(0, half));
    await sleep(MODE === 'quick' ? 1000 : 5000);
    const mid = await measureMemory(server);
    const c2 = await connectGenerators(sys, 'w3', parts.slice(half), { append: true });
    const c = { connected: c1.connected + c2.connected, failed: c1.failed + c2.failed, ms: c1.ms + c2.ms };
    await sleep(MODE === 'quick' ? 1000 : 5000);
    const rawAfterKiB = rssKib(server.pid);
    const after = await measureMemory(server);
    const per = (a, b, n) =>
      a === undefined || b === undefined ? null : Math.round(((b - a) / n) * 100) / 100;
    log(
      `${sys.name} W3: ${c.connected} connections in ${c.ms} ms; server VmRSS after a full GC ${before.rssKiB} -> ${mid.rssKiB} -> ${after.rssKiB} KiB ` +
        `(${per(before.rssKiB, after.rssKiB, c.connected)} KiB per connection, ${per(mid.rssKiB, after.rssKiB, c2.connected)} for the second half; ` +
        `JS heap ${per(before.heapUsedKiB, after.heapUsedKiB, c.connected)} KiB)`,
    );
    if (MODE !== 'quick') await warmup(sys, 'W3', C.w3Rate);
    const trickle = await runStep(sys, 'W3', C.w3Rate, C.holdMs, Math.min(C.drainMs, 5000));
    const end = MODE === 'quick' ? { rssKiB: rssKib(server.pid) } : await measureMemory(server);
    results.w3.push({
      system: sys.name,
      connected: c.connected,
      failed: c.failed,
      connectMs: c.ms,
      memory: {
        before,
        mid,
        after,
        end,
        secondHalf: c2.connected,
        rawVmRssBeforeKiB: rawBeforeKiB,
        rawVmRssAfterKiB: rawAfterKiB,
      },
      rssBeforeKiB: before.rssKiB,
      rssAfterKiB: after.rssKiB,
      rssPerConnKiB: per(before.rssKiB, after.rssKiB, c.connected),
      rssPerConnMarginalKiB: per(mid.rssKiB, after.rssKiB, c2.connected),
      heapPerConnKiB: per(before.heapUsedKiB, after.heapUsedKiB, c.connected),
      rssPerConnAfterHoldKiB: per(before.rssKiB, end.rssKiB, c.connected),
      trickle,
    });
    await closeGenerators(sys, 'W3');
    await quiesce(sys, C.quiesceMs); // the gateway unbinds everyone who left, and their rooms
  }
}

// ------------------------------------------------------------------ results

function summarise() {
  for (const workload of ['W1', 'W2']) {
    const steps = results.steps.filter((s) => s.workload === workload);
    if (steps.length === 0) continue;
    results.sustainable[workload] = {};
    for (const sys of SYSTEMS) {
      const mine = steps.filter((s) => s.system === sys);
      const ok = mine.filter((s) => s.pass).sort((a, b) => b.deliveriesPerSec - a.deliveriesPerSec)[0];
      results.sustainable[workload][sys] = ok
        ? {
            rate: ok.rate,
            deliveriesPerSec: ok.deliveriesPerSec,
            p50: ok.latency.p50,
            p99: ok.latency.p99,
            p999: ok.latency.p999,
            // never broke: the ladder (or the time budget) ended first
            capped: !results.breaks.some((b) => b.workload === workload && b.system === sys),
          }
        : null;
    }
    const floor = results.sustainable[workload].ws?.deliveriesPerSec;
    if (floor) {
      results.ratios[workload] = {};
      for (const sys of SYSTEMS)
        results.ratios[workload][sys] =
          Math.round(((results.sustainable[workload][sys]?.deliveriesPerSec ?? 0) / floor) * 1000) / 1000;
    }
  }
  const lag = results.steps.filter((s) => s.generatorBound);
  if (lag.length > 0)
    results.notes.push(
      `The generator fell behind its schedule (send lag p99 > 10 ms) in ${lag.length} step(s): ${lag.map((s) => `${s.system} ${s.workload} r=${s.rate}`).join(', ')}. That lag is inside the measured latency (open loop), so those points overstate the server's latency.`,
    );
  const dups = results.steps.filter((s) => s.dup > 0);
  if (dups.length > 0)
    results.notes.push(
      `Duplicates seen in: ${dups.map((s) => `${s.system} ${s.workload} r=${s.rate} (${s.dup})`).join(', ')}`,
    );
}

function writeResults() {
  results.finishedAt = new Date().toISOString();
  summarise();
  fs.mkdirSync(resultsDir, { recursive: true });
  // Two short runs can start in the same minute: the second gets a suffix, never the first's name.
  let base = path.join(resultsDir, `${stamp}-${FILED_AS}`);
  for (let n = 2; fs.existsSync(`${base}.json`); n++) base = path.join(resultsDir, `${stamp}-${FILED_AS}-${n}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(`${base}.html`, renderHtml(results));
  fs.writeFileSync(`${base}.md`, renderMarkdown(results) + '\n');
  log(`results: ${path.relative(ROOT, base)}.{json,html,md}`);
}

// ------------------------------------------------------------------ main

async function main() {
  log(
    `${MODE} mode, systems ${SYSTEMS.join(',')}, workloads ${WORKLOADS.join(',')}, hard deadline ${C.deadlineMs / 1000} s; logs in ${logDir}`,
  );
  if (results.build.distOlderThanSources && SYSTEMS.includes('happychat')) {
    const warning =
      'dist/ is older than apps/: these results are for the last build (`npm run build:server` to refresh)';
    log(`WARNING: ${warning}`);
    results.notes.push(warning);
  }
  const plan = buildPlan({
    w12Users: C.w12Users,
    w1Size: SIZES.W1,
    w2Size: SIZES.W2,
    w3Users: WORKLOADS.includes('W3') ? C.w3Users : 0,
    w3Size: SIZES.W3,
  });
  const systems = [];
  const t0 = Date.now();
  for (const name of SYSTEMS.filter((s) => s !== 'happychat'))
    systems.push({ name, server: await startBaseline(name), gens: [] });
  let accounts = null;
  if (SYSTEMS.includes('happychat')) {
    await sweepStale(log).catch((e) => log(`sweep skipped: ${e.message}`));
    const hc = await startHappyChat();
    results.setup.servicesStartMs = Date.now() - t0;
    log(
      `Happy Chat up on :${hc.port} (database and vhost ${hc.dbName}) in ${results.setup.servicesStartMs} ms`,
    );
    let t = Date.now();
    accounts = await registerUsers(hc.base, plan.users, RUN_TAG, {
      onProgress: (n) => log(`registered ${n}/${plan.users}`),
    });
    results.setup.registerMs = Date.now() - t;
    results.setup.users = plan.users;
    t = Date.now();
    const r = await createRooms(hc.base, plan, accounts, {
      workloads: ['W1', 'W2', 'W3'],
      direct: W1_DIRECT ? ['W1'] : [],
    });
    results.setup.roomsMs = Date.now() - t;
    Object.assign(results.setup, r);
    log(
      `setup: ${plan.users} accounts in ${results.setup.registerMs} ms, ${r.rooms} rooms + ${r.joins} joins` +
        `${r.directRooms ? ` + ${r.directRooms} direct rooms` : ''} in ${results.setup.roomsMs} ms`,
    );
    systems.push({ name: 'happychat', hc, gens: [] });
  }
  // Baselines take the same layout; their room ids and user ids are just labels.
  const baselineAccounts = Array.from({ length: plan.users }, (_, i) => ({ id: `u${i}`, token: null }));
  const baselinePlan = { ...plan, rooms: plan.rooms.map((r) => ({ ...r, id: r.key })) };
  const planOf = (sys) => (sys.name === 'happychat' ? plan : baselinePlan);
  const accountsOf = (sys) => (sys.name === 'happychat' ? accounts : baselineAccounts);
  await w3Phase(systems, planOf, accountsOf);
  await ladderPhase(systems, planOf, accountsOf);
  const hcSys = systems.find((s) => s.name === 'happychat');
  if (hcSys) {
    const mine = [
      ...results.steps,
      ...results.warmups,
      ...results.w3.map((w) => ({ ...w.trickle, system: w.system })),
    ].filter((s) => s.system === 'happychat');
    const sent = mine.reduce((a, s) => a + s.sent, 0);
    const acked = mine.reduce((a, s) => a + s.acked, 0);
    const storedRows = await countRows(hcSys.hc.dbUrl, 'SELECT count(*) FROM history.messages');
    // Every clientMsgId is unique, so rows == sent means each message sent was stored exactly once.
    results.persistence = { sent, acked, storedRows, allSentStoredOnce: storedRows === sent };
    log(`persistence: ${sent} sent, ${acked} acked, ${storedRows} rows in history.messages`);
  }
}

try {
  await main();
  clearTimeout(deadlineTimer);
  writeResults();
  await cleanup();
  log(`done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  process.exit(0);
} catch (err) {
  console.error(err);
  await abort(`failed: ${err.message}`, 1);
}

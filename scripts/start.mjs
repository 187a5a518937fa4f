#!/usr/bin/env node
// `npm start`: build if needed, check infrastructure, then run and supervise the
// four Happy Chat services (auth, room, history, gateway) as child processes.
//
// Env (besides the services' own variables, which are passed through; a .env file is read if present):
//   HAPPYCHAT_NO_BUILD=1            skip the "build if needed" step
//   HAPPYCHAT_SERVICE_ENTRY_<NAME>  (tests only) run this JS file instead of dist/apps/<name>/src/main.js
//   AUTH_HTTP_PORT, ROOM_HTTP_PORT, HISTORY_HTTP_PORT  health/metrics ports of the backends (3001-3003)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
// Optional .env at the repo root (see .env.example); variables already in the environment win.
if (fs.existsSync(path.join(ROOT, '.env'))) process.loadEnvFile(path.join(ROOT, '.env'));
const SERVICES = [
  { name: 'auth', port: Number(env.AUTH_HTTP_PORT || 3001), color: 36 },
  { name: 'room', port: Number(env.ROOM_HTTP_PORT || 3002), color: 35 },
  { name: 'history', port: Number(env.HISTORY_HTTP_PORT || 3003), color: 33 },
  { name: 'gateway', port: Number(env.HTTP_PORT || 3000), color: 32 },
];
const SHUTDOWN_TIMEOUT_MS = Number(env.SHUTDOWN_TIMEOUT_MS || 10000);
const USE_COLOR = env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : process.stdout.isTTY && !env.NO_COLOR;
const paint = (code, text) => (USE_COLOR ? `\x1b[${code}m${text}\x1b[0m` : text);
const TAG_WIDTH = Math.max(...SERVICES.map((s) => s.name.length)) + 2;
const log = (msg) => console.log(`${paint('1;34', '[launcher]'.padEnd(TAG_WIDTH))} ${msg}`);
const fail = (msg) => {
  console.error(`${paint('1;31', '[launcher]')} ${msg}`);
  process.exit(1);
};

// (a) Build if anything is missing or sources changed since the last build.
function newerThan(dir, since) {
  if (!fs.existsSync(dir)) return false;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() ? newerThan(p, since) : fs.statSync(p).mtimeMs > since) return true;
  }
  return false;
}
function buildIfNeeded() {
  const stamp = path.join(ROOT, 'dist/.build-stamp');
  const since = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : -1;
  const stale =
    since < 0 ||
    !fs.existsSync(path.join(ROOT, 'dist/apps/gateway/src/main.js')) ||
    !fs.existsSync(path.join(ROOT, 'dist/web/index.html')) ||
    ['apps', 'libs'].some((d) => newerThan(path.join(ROOT, d), since)) ||
    ['package-lock.json', 'tsconfig.json', 'tsconfig.build.json'].some(
      (f) => (fs.statSync(path.join(ROOT, f), { throwIfNoEntry: false })?.mtimeMs ?? 0) > since,
    );
  if (!stale) return log('build is up to date (set HAPPYCHAT_NO_BUILD=1 to skip this check)');
  log('building (npm run build)...');
  const startedAt = new Date(); // stamp with the start time so edits made during the build trigger a rebuild
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = spawnSync(npm, ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (res.status !== 0) fail(`build failed (${res.error?.message ?? `exit code ${res.status}`})`);
  fs.writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  fs.utimesSync(stamp, startedAt, startedAt);
}

// (b) JWT secret: from the environment, else from .happychat/secrets.json (created on first run).
function jwtSecret() {
  if (env.JWT_SECRET) {
    if (env.JWT_SECRET.length < 32)
      fail(
        'JWT_SECRET (from the environment or .env) must be at least 32 characters; unset it to use a generated one',
      );
    return env.JWT_SECRET;
  }
  const dir = path.join(ROOT, '.happychat');
  const file = path.join(dir, 'secrets.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const secrets = { jwtSecret: randomBytes(48).toString('base64url') };
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    log(`generated a JWT secret in ${path.relative(ROOT, file)}`);
  }
  fs.chmodSync(file, 0o600);
  let secret;
  try {
    secret = JSON.parse(fs.readFileSync(file, 'utf8')).jwtSecret;
  } catch (err) {
    fail(`cannot read ${file}: ${err.message} (delete it to generate a new secret)`);
  }
  if (typeof secret !== 'string' || secret.length < 32)
    fail(`${file} has no valid "jwtSecret" (delete it to generate a new one)`);
  return secret;
}

// (c) Infrastructure: PostgreSQL and RabbitMQ must answer; the database must exist.
function tcpCheck(host, port, timeoutMs = 3000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => (socket.destroy(), resolve(ok));
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
async function checkInfrastructure() {
  const dbUrl = new URL(env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/happychat');
  const amqpUrl = new URL(env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672/');
  const pgHost = dbUrl.hostname || '127.0.0.1';
  const pgPort = Number(dbUrl.port || 5432);
  const mqHost = amqpUrl.hostname || '127.0.0.1';
  const mqPort = Number(amqpUrl.port || (amqpUrl.protocol === 'amqps:' ? 5671 : 5672));
  const pgVersion = fs.existsSync('/etc/postgresql')
    ? fs.readdirSync('/etc/postgresql').sort().pop()
    : '<version>';
  const [pgOk, mqOk] = await Promise.all([tcpCheck(pgHost, pgPort), tcpCheck(mqHost, mqPort)]);
  if (!pgOk)
    fail(
      `PostgreSQL is not answering at ${pgHost}:${pgPort}. Start it with:\n  pg_ctlcluster --skip-systemctl-redirect ${pgVersion} main start\n(or run: bash scripts/ensure-services.sh)`,
    );
  if (!mqOk)
    fail(
      `RabbitMQ is not answering at ${mqHost}:${mqPort}. Start it with:\n  rabbitmq-server -detached\n(or run: bash scripts/ensure-services.sh)`,
    );

  const dbName = decodeURIComponent(dbUrl.pathname.slice(1));
  if (!dbName) return;
  const { default: pg } = await import('pg');
  const adminUrl = new URL(dbUrl);
  adminUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(dbName)}`).catch((err) => {
        if (err.code !== '42P04') throw err; // created concurrently: fine
      });
      log(`created database "${dbName}"`);
    }
  } catch (err) {
    fail(`cannot prepare database "${dbName}": ${err.message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

// (d) + (e) Run the services, restarting any that exits unexpectedly (backoff 1s -> 30s).
const ORPHAN_GUARD = // preloaded into each child: exit gracefully if the launcher dies (even by SIGKILL)
  'data:text/javascript,const p=process.ppid;setInterval(()=>{if(process.ppid!==p)process.kill(process.pid,"SIGTERM")},1000).unref();';
const children = new Map(); // name -> { proc, timer, failures, startedAt }
let shuttingDown = false;

function pipeLines(stream, out, tag) {
  readline
    .createInterface({ input: stream, crlfDelay: Infinity })
    .on('line', (line) => out.write(`${tag} ${line}\n`));
}
function startService(svc, childEnv) {
  const state = children.get(svc.name) ?? { failures: 0 };
  children.set(svc.name, state);
  const entry =
    env[`HAPPYCHAT_SERVICE_ENTRY_${svc.name.toUpperCase()}`] || `dist/apps/${svc.name}/src/main.js`;
  const proc = spawn(process.execPath, ['--import', ORPHAN_GUARD, entry], {
    cwd: ROOT,
    env: { ...childEnv, HTTP_PORT: String(svc.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: Ctrl-C reaches only the launcher, which stops children in order
  });
  Object.assign(state, { proc, timer: null, startedAt: Date.now() });
  const tag = paint(svc.color, `[${svc.name}]`.padEnd(TAG_WIDTH));
  pipeLines(proc.stdout, process.stdout, tag);
  pipeLines(proc.stderr, process.stderr, tag);
  proc.on('error', (err) => log(`${svc.name}: failed to spawn: ${err.message}`));
  proc.on('exit', (code, signal) => {
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (shuttingDown) return log(`${svc.name} stopped (${how})`);
    if (Date.now() - state.startedAt > 60_000) state.failures = 0; // it had been running fine
    const delay = Math.min(30_000, 1000 * 2 ** state.failures++);
    log(paint(31, `${svc.name} exited unexpectedly (${how}); restarting in ${delay / 1000}s`));
    state.timer = setTimeout(() => startService(svc, childEnv), delay);
  });
  log(`started ${svc.name} (pid ${proc.pid}, port ${svc.port})`);
}
const isRunning = (proc) => proc && proc.exitCode === null && proc.signalCode === null;
function signalAll(signal) {
  for (const { proc } of children.values()) {
    if (!isRunning(proc)) continue;
    try {
      process.kill(-proc.pid, signal); // the whole process group of the child
    } catch {
      try {
        proc.kill(signal);
      } catch {
        /* already gone */
      }
    }
  }
}

// (f) Readiness polling and the banner.
const probeHost = (host) =>
  !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
async function isReady(host, port) {
  try {
    const res = await fetch(`http://${probeHost(host)}:${port}/health/ready`, {
      signal: AbortSignal.timeout(2000),
    });
    return res.status === 200;
  } catch {
    return false;
  }
}
async function waitReady(host, port, timeoutMs) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline && !shuttingDown;) {
    if (await isReady(host, port)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
function banner(host, port) {
  const shown = probeHost(host);
  const lead = 'Happy Chat is running at ';
  const lines = [`${lead}http://${shown}:${port}`];
  if (['127.0.0.1', 'localhost', '[::1]'].includes(shown) || host === '0.0.0.0' || host === '::') {
    lines.push(`${'and at '.padStart(lead.length)}http://localhost:${port}`);
  }
  lines.push('Press Ctrl-C to stop.');
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '='.repeat(width + 4);
  console.log(paint('1;32', ['', bar, ...lines.map((l) => `  ${l.padEnd(width)}  `), bar, ''].join('\n')));
}

// (g) Shutdown: SIGTERM everyone, SIGKILL leftovers after SHUTDOWN_TIMEOUT_MS + 2s.
async function shutdown(reason, exitCode = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${reason}: stopping services...`);
  for (const state of children.values()) clearTimeout(state.timer);
  signalAll('SIGTERM');
  const deadline = Date.now() + SHUTDOWN_TIMEOUT_MS + 2000;
  while ([...children.values()].some((s) => isRunning(s.proc)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  if ([...children.values()].some((s) => isRunning(s.proc))) {
    log('some services did not stop in time; killing them');
    signalAll('SIGKILL');
    await new Promise((r) => setTimeout(r, 500)); // let their exit be logged
  }
  process.exit(exitCode);
}
let firstSignalAt = 0;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    // Under `npm start` one Ctrl-C arrives twice (terminal + npm forwarding it), hence the 1s grace.
    if (shuttingDown && sig === 'SIGINT' && Date.now() - firstSignalAt > 1000) {
      log('second Ctrl-C: killing services now');
      signalAll('SIGKILL');
      process.exit(1);
    }
    firstSignalAt ||= Date.now();
    shutdown(`received ${sig}`);
  });
}
process.on('exit', () => signalAll('SIGKILL')); // last resort: never leave orphans behind
process.on('uncaughtException', (err) => (console.error(err), shutdown('launcher crashed', 1)));
process.on('unhandledRejection', (err) => (console.error(err), shutdown('launcher crashed', 1)));

async function main() {
  if (env.HAPPYCHAT_NO_BUILD !== '1') buildIfNeeded();
  const secret = jwtSecret();
  await checkInfrastructure();
  for (const svc of SERVICES) {
    const entry =
      env[`HAPPYCHAT_SERVICE_ENTRY_${svc.name.toUpperCase()}`] || `dist/apps/${svc.name}/src/main.js`;
    if (!fs.existsSync(path.resolve(ROOT, entry))) fail(`${entry} not found: run \`npm run build\` first`);
  }
  if (SERVICES.slice(0, 3).some((s) => s.port === SERVICES[3].port))
    fail(`HTTP_PORT=${SERVICES[3].port} clashes with a backend service port`);
  const childEnv = { ...env, JWT_SECRET: secret };
  const [backends, gateway] = [SERVICES.slice(0, 3), SERVICES[3]];
  backends.forEach((svc) => startService(svc, childEnv));
  const ready = await Promise.all(backends.map((svc) => waitReady(env.HTTP_HOST, svc.port, 30_000)));
  if (shuttingDown) return;
  if (!ready.every(Boolean)) log('some backend services are not ready yet; starting the gateway anyway');
  startService(gateway, childEnv);
  let warned = false;
  while (!shuttingDown) {
    if (await waitReady(env.HTTP_HOST, gateway.port, 60_000)) return banner(env.HTTP_HOST, gateway.port);
    if (!warned && !shuttingDown)
      log(`still waiting for the gateway at ${probeHost(env.HTTP_HOST)}:${gateway.port}/health/ready ...`);
    warned = true;
  }
}

main().catch((err) => (console.error(err), shutdown('launcher crashed', 1)));

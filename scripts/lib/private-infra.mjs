// A private RabbitMQ node and a private PostgreSQL cluster, each on free loopback ports with all
// of its state in one temp dir, for runs that must fault the broker and the database (the full
// chaos run) without touching the shared servers on 5432 / 5672 that every other test uses.
//
//   const infra = await startPrivateInfra({ log });   // { rabbitmq: {...}, postgres: {...}, dir }
//   ... everything pointed at infra.postgres.adminUrl / infra.rabbitmq.amqpUrl ...
//   await stopPrivateInfra(infra);                      // stops both, removes the temp dir
//
// Faults go through the same commands with the private node / data dir: see rabbitmqctlArgs(),
// pgCtlCommand() (used by test/support/private-infra.ts).
//
// Env: RABBITMQ_SBIN (dir holding the real rabbitmq-server / rabbitmqctl scripts, default
// /usr/lib/rabbitmq/bin when present, else PATH), PG_BIN (dir holding initdb / pg_ctl, default
// the newest /usr/lib/postgresql/<version>/bin, else PATH).
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './launch-env.mjs';

const exec = promisify(execFile);
const HOST = '127.0.0.1';
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function rabbitSbin() {
  if (process.env.RABBITMQ_SBIN) return process.env.RABBITMQ_SBIN;
  // Debian's /usr/sbin/rabbitmq-* wrappers `cd /var/lib/rabbitmq` and `su rabbitmq` when run as
  // root, which would mix the shared node's cookie and home into ours: call the real scripts.
  return fs.existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server') ? '/usr/lib/rabbitmq/bin' : '';
}
const rabbitBin = (name) => (rabbitSbin() ? path.join(rabbitSbin(), name) : name);

function pgBin() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return '';
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, 'bin/pg_ctl')))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length ? path.join(base, versions[versions.length - 1], 'bin') : '';
}

/**
 * The environment of every rabbitmq-server / rabbitmqctl call for the private node. HOME is the
 * node's own dir: the Erlang cookie is created there on first start and read from there by
 * rabbitmqctl, so the shared node's cookie (/var/lib/rabbitmq/.erlang.cookie) is never read or
 * written, whoever we run as (root in CI).
 */
function rabbitEnv(r) {
  return {
    PATH: process.env.PATH,
    HOME: r.dir,
    LANG: process.env.LANG || 'C.UTF-8',
    RABBITMQ_NODENAME: r.node,
    RABBITMQ_NODE_IP_ADDRESS: HOST,
    RABBITMQ_NODE_PORT: String(r.port),
    RABBITMQ_DIST_PORT: String(r.distPort),
    // Our own (empty) files instead of /etc/rabbitmq/*: the shared node's rabbitmq.conf pins its
    // listener to 5672, and its enabled_plugins turns on the management plugin (port 15672).
    RABBITMQ_CONF_ENV_FILE: path.join(r.dir, 'rabbitmq-env.conf'),
    RABBITMQ_CONFIG_FILE: path.join(r.dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(r.dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(r.dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: path.join(r.dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(r.dir, 'log'),
    RABBITMQ_PID_FILE: path.join(r.dir, 'rabbitmq.pid'),
    ERL_EPMD_ADDRESS: HOST,
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
}

/** `rabbitmqctl -n <private node> ...args` with the private node's environment. */
export function rabbitmqctlArgs(r, args) {
  return { command: rabbitBin('rabbitmqctl'), args: ['-n', r.node, ...args], env: rabbitEnv(r) };
}

async function rabbitmqctl(r, args, timeoutMs = 120_000) {
  const c = rabbitmqctlArgs(r, args);
  return exec(c.command, c.args, { env: c.env, timeout: timeoutMs });
}

async function startRabbit(dir, log) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const r = {
    dir,
    node: `hc-chaos-${process.pid}@localhost`,
    port: await freePort(HOST),
    distPort: await freePort(HOST),
  };
  fs.writeFileSync(path.join(dir, 'rabbitmq-env.conf'), '');
  fs.writeFileSync(
    path.join(dir, 'rabbitmq.conf'),
    `listeners.tcp.default = ${HOST}:${r.port}\nloopback_users.guest = true\n`,
  );
  fs.writeFileSync(path.join(dir, 'advanced.config'), '[].\n');
  fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[].\n');
  log(`starting a private RabbitMQ node ${r.node} on ${HOST}:${r.port} (${dir})`);
  const env = rabbitEnv(r);
  const started = spawnSync(rabbitBin('rabbitmq-server'), ['-detached'], { env, cwd: dir, encoding: 'utf8' });
  if (started.status !== 0)
    throw new Error(
      `rabbitmq-server -detached failed (${started.status}): ${started.stderr || started.stdout}`,
    );
  // `wait` blocks until the pid file exists and the rabbit application has started.
  await rabbitmqctl(r, ['wait', '--timeout', '90', env.RABBITMQ_PID_FILE]);
  r.pid = Number(fs.readFileSync(env.RABBITMQ_PID_FILE, 'utf8').trim());
  r.amqpUrl = `amqp://guest:guest@${HOST}:${r.port}`;
  return r;
}

async function stopRabbit(r, log) {
  try {
    await rabbitmqctl(r, ['stop', r.pid ? path.join(r.dir, 'rabbitmq.pid') : ''].filter(Boolean), 60_000);
  } catch (err) {
    log(`rabbitmqctl stop failed (${err.message.split('\n')[0]}); killing pid ${r.pid}`);
    if (r.pid) {
      try {
        process.kill(r.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

/** initdb / pg_ctl run as `postgres` when we are root: PostgreSQL refuses to run as root. */
export function pgCtlCommand(p, args) {
  const pgCtl = p.bin ? path.join(p.bin, 'pg_ctl') : 'pg_ctl';
  return asPgUser(p, pgCtl, ['-D', p.data, ...args]);
}

function asPgUser(p, command, args) {
  return p.runAs ? { command: 'runuser', args: ['-u', p.runAs, '--', command, ...args] } : { command, args };
}

async function startPostgres(dir, log) {
  const p = { dir, data: path.join(dir, 'data'), bin: pgBin(), port: await freePort(HOST) };
  p.runAs = isRoot() ? 'postgres' : undefined;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (p.runAs) {
    const id = (flag) => Number(spawnSync('id', [flag, p.runAs], { encoding: 'utf8' }).stdout.trim());
    fs.chownSync(dir, id('-u'), id('-g'));
  }
  log(`starting a private PostgreSQL cluster on ${HOST}:${p.port} (${p.data})`);
  const initdb = asPgUser(p, p.bin ? path.join(p.bin, 'initdb') : 'initdb', [
    '-D',
    p.data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  await exec(initdb.command, initdb.args, { cwd: '/', timeout: 120_000 });
  // Listen on loopback only, socket in our dir (not /var/run/postgresql), nothing else changed.
  fs.appendFileSync(
    path.join(p.data, 'postgresql.conf'),
    `\n# private cluster (scripts/lib/private-infra.mjs)\nlisten_addresses = '${HOST}'\nport = ${p.port}\nunix_socket_directories = '${dir}'\nmax_connections = 200\n`,
  );
  const start = pgCtlCommand(p, ['-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
  await exec(start.command, start.args, { cwd: '/', timeout: 90_000 });
  p.adminUrl = `postgres://postgres@${HOST}:${p.port}/postgres`;
  return p;
}

async function stopPostgres(p, log) {
  const stop = pgCtlCommand(p, ['-m', 'immediate', '-w', '-t', '30', 'stop']);
  await exec(stop.command, stop.args, { cwd: '/', timeout: 60_000 }).catch((err) =>
    log(`pg_ctl stop failed: ${err.message.split('\n')[0]}`),
  );
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

/** The pid in a pid file (first line), if that process still runs from inside `dir`. */
function runningFrom(pidFile, dir) {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0].trim());
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return pid > 0 && cmdline.includes(dir) ? pid : 0;
  } catch {
    return 0;
  }
}

/**
 * Servers left behind by a run that was killed before it could clean up (SIGKILL, a CI timeout):
 * its launcher's pid is in the dir name. Only our own temp dirs, only processes started from them.
 */
async function reapStale(log) {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp)) {
    const m = /^hc-chaos-(\d+)-[A-Za-z0-9]{6}$/.exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    const dir = path.join(tmp, name);
    const pids = [
      [runningFrom(path.join(dir, 'rabbitmq/rabbitmq.pid'), dir), 'SIGTERM'],
      [runningFrom(path.join(dir, 'postgres/data/postmaster.pid'), dir), 'SIGQUIT'], // immediate shutdown
    ].filter(([pid]) => pid);
    for (const [pid, signal] of pids) process.kill(pid, signal);
    for (const deadline = Date.now() + 15_000; pids.some(([pid]) => alive(pid)) && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 200));
    log(
      `removed ${dir}, left by an earlier run${pids.length ? ` (stopped pids ${pids.map(([p]) => p).join(', ')})` : ''}`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function startPrivateInfra({ log = console.log } = {}) {
  await reapStale(log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hc-chaos-${process.pid}-`));
  fs.chmodSync(dir, 0o755); // the postgres user must reach its subdirectory
  const infra = { dir };
  try {
    infra.rabbitmq = await startRabbit(path.join(dir, 'rabbitmq'), log);
    infra.postgres = await startPostgres(path.join(dir, 'postgres'), log);
  } catch (err) {
    await stopPrivateInfra(infra, { log });
    throw err;
  }
  return infra;
}

export async function stopPrivateInfra(infra, { log = console.log, keep = false } = {}) {
  if (infra.rabbitmq) await stopRabbit(infra.rabbitmq, log);
  if (infra.postgres) await stopPostgres(infra.postgres, log);
  if (keep) log(`kept ${infra.dir} (logs: rabbitmq/log, postgres/postgres.log)`);
  else fs.rmSync(infra.dir, { recursive: true, force: true });
}

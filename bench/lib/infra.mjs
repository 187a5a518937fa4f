// Isolation and process plumbing for a bench run: a fresh PostgreSQL database and RabbitMQ vhost
// (dropped afterwards, even on failure), free loopback ports, and child processes that die with us.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';

const exec = promisify(execFile);
export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const AMQP_BASE = 'amqp://guest:guest@127.0.0.1:5672';
/** Names carry their creation time so a later run can sweep what a killed run left behind. */
export const PREFIX = 'hc_bench_';
const STALE_AFTER_MS = 3 * 3600_000;

export function uniqueName() {
  return `${PREFIX}${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

async function withAdmin(fn) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createDatabase(name) {
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(name) {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export async function createVhost(name) {
  await exec('rabbitmqctl', ['-q', 'add_vhost', name], { timeout: 30000 });
  await exec('rabbitmqctl', ['-q', 'set_permissions', '-p', name, 'guest', '.*', '.*', '.*'], {
    timeout: 30000,
  });
  return `${AMQP_BASE}/${encodeURIComponent(name)}`;
}

export async function deleteVhost(name) {
  await exec('rabbitmqctl', ['-q', 'delete_vhost', name], { timeout: 60000 });
}

const createdAt = (name) => parseInt(name.slice(PREFIX.length).split('_')[0], 36);

/** Drops databases and vhosts of earlier bench runs that were killed before they could clean up. */
export async function sweepStale(log) {
  const now = Date.now();
  const stale = (n) => n.startsWith(PREFIX) && now - createdAt(n) > STALE_AFTER_MS;
  const dbs = await withAdmin(async (c) => (await c.query('SELECT datname FROM pg_database')).rows);
  for (const { datname } of dbs.filter((r) => stale(r.datname))) {
    log(`sweeping stale database ${datname}`);
    await dropDatabase(datname).catch(() => undefined);
  }
  const { stdout } = await exec('rabbitmqctl', ['-q', 'list_vhosts', 'name'], { timeout: 30000 });
  for (const vhost of stdout
    .split('\n')
    .map((s) => s.trim())
    .filter(stale)) {
    log(`sweeping stale vhost ${vhost}`);
    await deleteVhost(vhost).catch(() => undefined);
  }
}

/** Pids of the PostgreSQL backends serving `database` (our services' connection pools). */
export async function backendPids(database) {
  return withAdmin(async (c) =>
    (await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database])).rows.map((r) => r.pid),
  );
}

export async function countRows(databaseUrl, sql) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number((await client.query(sql)).rows[0].count);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Preloaded into every child: it stops itself if this process dies, even by SIGKILL.
const ORPHAN_GUARD =
  'data:text/javascript,const p=process.ppid;setInterval(()=>{if(process.ppid!==p)process.kill(process.pid,"SIGTERM")},1000).unref();';

const children = new Set();

/**
 * Starts `node <args>` with a raised open-files limit (10,000 sockets need more than the usual
 * 1024; the hard limit is the ceiling). `bash -c exec` keeps the pid: it becomes node's.
 */
export function spawnNode(name, args, { env, cwd, logFile, nodeArgs = [], ipc = false }) {
  const quoted = [process.execPath, '--import', ORPHAN_GUARD, ...nodeArgs, ...args]
    .map((a) => `'${a.replaceAll("'", `'\\''`)}'`)
    .join(' ');
  const out = fs.openSync(logFile, 'a');
  const proc = spawn('bash', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${quoted}`], {
    cwd,
    env,
    stdio: ['ignore', out, out, ...(ipc ? ['ipc'] : [])],
  });
  fs.closeSync(out);
  const child = { name, proc, pid: proc.pid, logFile, exited: null };
  proc.on('exit', (code, signal) => {
    child.exited = { code, signal };
    children.delete(child);
  });
  children.add(child);
  return child;
}

export async function stopChild(child, graceMs = 5000) {
  if (!child || child.exited) return;
  const gone = new Promise((r) => child.proc.once('exit', r));
  child.proc.kill('SIGTERM');
  const timer = new Promise((r) => setTimeout(r, graceMs, 'timeout'));
  if ((await Promise.race([gone, timer])) === 'timeout' && !child.exited) {
    child.proc.kill('SIGKILL');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
  }
}

/** Last resort on the way out: whatever is still running is killed. */
export function killAllChildren() {
  for (const child of children) {
    try {
      child.proc.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export async function waitReady(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child?.exited)
      throw new Error(`${child.name} exited (${JSON.stringify(child.exited)}); see ${child.logFile}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms${child ? `; see ${child.logFile}` : ''}`);
}

/**
 * Samples what the backends of `database` are doing every `everyMs` (pg_stat_activity), so a step
 * can say whether PostgreSQL time goes to running, to locks, to WAL flushes, or to waiting for the
 * service in the middle of a transaction ("idle in transaction / Client:ClientRead").
 */
export async function startPgSampler(database, everyMs = 100) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  const counts = {};
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t = Date.now();
      try {
        const { rows } = await client.query(
          `SELECT state || ' / ' || coalesce(wait_event_type || ':' || wait_event, 'on CPU') AS what, count(*)::int AS n
             FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle' GROUP BY 1`,
          [database],
        );
        samples++;
        for (const { what, n } of rows) counts[what] = (counts[what] ?? 0) + n;
      } catch {
        /* a missed sample */
      }
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - t))));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    await client.end().catch(() => undefined);
    // Average number of backends in each state over the step (0.5 = one backend half the time).
    return Object.fromEntries(
      Object.entries(counts)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, Math.round((v / Math.max(1, samples)) * 100) / 100]),
    );
  };
}

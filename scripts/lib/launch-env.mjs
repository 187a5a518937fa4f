// What every launcher checks before it starts services: the .env file, the JWT secret, that
// PostgreSQL and RabbitMQ answer (and the database exists), and readiness polling afterwards.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Optional .env at the repo root (see .env.example); variables already in the environment win. */
export function loadDotEnv() {
  const file = path.join(ROOT, '.env');
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

function newerThan(dir, since) {
  if (!fs.existsSync(dir)) return false;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() ? newerThan(p, since) : fs.statSync(p).mtimeMs > since) return true;
  }
  return false;
}

/** `npm run build` if anything is missing or sources changed since the last build. */
export function buildIfNeeded({ log, fail }) {
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

/** JWT secret: from the environment, else from .happychat/secrets.json (created on first run). */
export function jwtSecret(env, { log, fail }) {
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
    try {
      fs.writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      log(`generated a JWT secret in ${path.relative(ROOT, file)}`);
    } catch (err) {
      if (err.code !== 'EEXIST') throw err; // another launcher created it meanwhile: use theirs
    }
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

/**
 * Web push keys: from the environment when any is set (the room service validates them), else a
 * development pair from .happychat/vapid.json (created on first run). Keeping the pair matters:
 * browsers subscribed with a public key stop receiving pushes signed with another.
 */
export async function vapidKeys(env, { log, fail }) {
  const names = ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT'];
  if (names.some((n) => env[n])) {
    const missing = names.filter((n) => !env[n]);
    if (missing.length > 0) fail(`${missing.join(', ')} unset: set all three VAPID variables or none`);
    return {};
  }
  const file = path.join(ROOT, '.happychat', 'vapid.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { default: webpush } = await import('web-push');
    const keys = webpush.generateVAPIDKeys();
    const stored = {
      publicKey: keys.publicKey,
      privateKey: keys.privateKey,
      subject: 'mailto:dev@happychat.invalid',
    };
    try {
      fs.writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      log(`generated development web push (VAPID) keys in ${path.relative(ROOT, file)}`);
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
  }
  try {
    const { publicKey, privateKey, subject } = JSON.parse(fs.readFileSync(file, 'utf8'));
    return { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey, VAPID_SUBJECT: subject };
  } catch (err) {
    fail(`cannot read ${file}: ${err.message} (delete it to generate new keys)`);
  }
}

export function tcpCheck(host, port, timeoutMs = 3000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => (socket.destroy(), resolve(ok));
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** PostgreSQL and RabbitMQ must answer; the database is created when missing. */
export async function checkInfrastructure(env, { log, fail }) {
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

/** The address to probe for a listener bound to `host` (a wildcard bind answers on loopback). */
export const probeHost = (host) =>
  !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

export async function isReady(host, port) {
  try {
    const res = await fetch(`http://${probeHost(host)}:${port}/health/ready`, {
      signal: AbortSignal.timeout(2000),
    });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Poll /health/ready until it answers 200, time runs out, or `stopped()` says to give up. */
export async function waitReady(host, port, timeoutMs, stopped = () => false) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline && !stopped();) {
    if (await isReady(host, port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

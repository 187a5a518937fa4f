import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';

const exec = promisify(execFile);

/** Where the real services are; override for other machines. Tests never mock them. */
export const TEST_PG_ADMIN_URL =
  process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_AMQP_BASE = process.env.TEST_AMQP_BASE ?? 'amqp://guest:guest@127.0.0.1:5672';
export const TEST_MONGO_URL = process.env.TEST_MONGO_URL ?? process.env.MONGO_URL;

export interface Isolated {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A fresh PostgreSQL database for one test file. */
export async function createTestDatabase(
  prefix = 'hc_test',
  adminUrl = TEST_PG_ADMIN_URL,
): Promise<Isolated> {
  const name = uniqueName(prefix);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A fresh RabbitMQ vhost for one test file, guest allowed in it. */
export async function createTestVhost(prefix = 'hc_test'): Promise<Isolated> {
  const name = uniqueName(prefix);
  await exec('rabbitmqctl', ['-q', 'add_vhost', name]);
  await exec('rabbitmqctl', ['-q', 'set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
  return {
    name,
    url: `${TEST_AMQP_BASE}/${encodeURIComponent(name)}`,
    async drop() {
      // Integration users (global in RabbitMQ) made for this vhost go with it.
      const perms = await exec('rabbitmqctl', [
        '-q',
        '--no-table-headers',
        'list_permissions',
        '-p',
        name,
      ]).catch(() => ({ stdout: '' }));
      const bots = String(perms.stdout)
        .split('\n')
        .map((line) => line.split('\t')[0])
        .filter((user) => user.startsWith('happychat-bot-'));
      for (const user of bots) await exec('rabbitmqctl', ['-q', 'delete_user', user]).catch(() => undefined);
      await exec('rabbitmqctl', ['-q', 'delete_vhost', name]).catch(() => undefined);
    },
  };
}

/**
 * Close, from the broker's side, the connection in `vhost` whose name contains `name`.
 * `list_connections` lists every vhost whatever `-p` says, so the vhost column picks ours: a
 * system running next to the tests (`npm start`) has connections of the same names.
 */
export async function closeBrokerConnection(vhost: string, name: string, reason: string): Promise<void> {
  const { stdout } = await exec('rabbitmqctl', [
    '-q',
    '--no-table-headers',
    'list_connections',
    'vhost',
    'pid',
    'client_properties',
  ]);
  const line = String(stdout)
    .split('\n')
    .map((l) => l.split('\t'))
    .find(([v, , props]) => v === vhost && props?.includes(name));
  if (!line) throw new Error(`no connection named like ${name} in vhost ${vhost}`);
  await exec('rabbitmqctl', ['-q', 'close_connection', line[1], reason]);
}

/** The bindings of one queue in `vhost` (but the default exchange's), as `exchange routing-key` lines. */
export async function queueBindings(vhost: string, queue: string): Promise<string[]> {
  const { stdout } = await exec('rabbitmqctl', [
    '-q',
    '--no-table-headers',
    'list_bindings',
    '-p',
    vhost,
    'source_name',
    'destination_name',
    'routing_key',
  ]);
  return String(stdout)
    .split('\n')
    .map((l) => l.split('\t'))
    .filter(([source, destination]) => source && destination === queue)
    .map(([source, , key]) => `${source} ${key}`)
    .sort();
}

/** Poll until `fn` returns a truthy value or time runs out. */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 5000, stepMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw last instanceof Error ? last : new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

import { INestApplication } from '@nestjs/common';
import type { Channel } from 'amqplib';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AuthResultView, CommandInput, Commands, ErrorPayload, Exchanges } from '@app/contracts';
import { AmqpConnection, RpcClient } from '@app/messaging';
import { startAuthService } from '../../apps/auth/src';
import { createTestDatabase, createTestVhost, Isolated } from '../support/infra';
import { connectRpc } from '../support/rpc';

export const PASSWORD = 'correct horse battery';

export interface TappedEvent {
  routingKey: string;
  body: Record<string, unknown>;
}

/**
 * The auth service alone, on a fresh database and vhost, driven over RPC as the gateway drives
 * it, with a SQL connection to check what was (and was not) written, and a tap on the user
 * events exchange to see what was published.
 */
export interface AuthHarness {
  secret: string;
  env: NodeJS.ProcessEnv;
  app: INestApplication;
  rpc: RpcClient;
  amqp: AmqpConnection;
  pg: Client;
  db: Isolated;
  vhost: Isolated;
  events: TappedEvent[];
  register(
    username: string,
    extra?: Partial<CommandInput<typeof Commands.AUTH_REGISTER>>,
  ): Promise<AuthResultView>;
  login(
    username: string,
    password?: string,
    extra?: Partial<CommandInput<typeof Commands.AUTH_LOGIN>>,
  ): Promise<AuthResultView>;
  count(sql: string, params?: unknown[]): Promise<number>;
  /** Replace the running auth service with one on the same database and vhost. */
  restart(overrides?: NodeJS.ProcessEnv): Promise<void>;
  close(): Promise<void>;
}

/** Resolves with the error payload of a call that must fail. */
export function failure(call: Promise<unknown>): Promise<ErrorPayload> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: ErrorPayload) =>
      err.details === undefined
        ? { code: err.code, message: err.message }
        : { code: err.code, message: err.message, details: err.details },
  );
}

export async function startAuthHarness(overrides: NodeJS.ProcessEnv = {}): Promise<AuthHarness> {
  const [db, vhost] = await Promise.all([createTestDatabase('hc_auth'), createTestVhost('hc_auth')]);
  const secret = randomBytes(32).toString('hex');
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: db.url,
    AMQP_URL: vhost.url,
    HTTP_PORT: '0',
    LOG_LEVEL: 'error',
    JWT_SECRET: secret,
    // Cheap hashing keeps the suites fast.
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_ITERATIONS: '1',
    ...overrides,
  };
  let app = await startAuthService(env);
  const client = await connectRpc(vhost.url);
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const events: TappedEvent[] = [];
  const tap: Channel = await client.amqp.createChannel();
  const { queue } = await tap.assertQueue('', { exclusive: true, autoDelete: true });
  await tap.bindQueue(queue, Exchanges.USER_EVENTS, '#');
  await tap.consume(
    queue,
    (msg) => {
      if (msg)
        events.push({
          routingKey: msg.fields.routingKey,
          body: JSON.parse(msg.content.toString('utf8')) as Record<string, unknown>,
        });
    },
    { noAck: true },
  );

  const harness: AuthHarness = {
    secret,
    env,
    get app() {
      return app;
    },
    rpc: client.rpc,
    amqp: client.amqp,
    pg,
    db,
    vhost,
    events,
    register: (username, extra = {}) =>
      client.rpc.request(Commands.AUTH_REGISTER, { username, password: PASSWORD, ...extra }),
    login: (username, password = PASSWORD, extra = {}) =>
      client.rpc.request(Commands.AUTH_LOGIN, { username, password, ...extra }),
    async count(sql, params = []) {
      const r = await pg.query<{ n: string }>(`SELECT count(*)::text AS n FROM (${sql}) AS q`, params);
      return Number(r.rows[0].n);
    },
    async restart(more = {}) {
      await app.close();
      app = await startAuthService({ ...env, ...more });
    },
    async close() {
      await tap.close().catch(() => undefined);
      await client.close();
      await app.close();
      await pg.end();
      await Promise.all([db.drop(), vhost.drop()]);
    },
  };
  return harness;
}

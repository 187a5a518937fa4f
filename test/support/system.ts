import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { startAuthService } from '../../apps/auth/src';
import { startGatewayService } from '../../apps/gateway/src';
import { startHistoryService } from '../../apps/history/src';
import { startRoomService } from '../../apps/room/src';
import { createTestDatabase, createTestVhost, Isolated } from './infra';

export interface RunningSystem {
  baseUrl: string;
  wsUrl: string;
  env: NodeJS.ProcessEnv;
  apps: Record<'auth' | 'room' | 'history' | 'gateway', INestApplication>;
  db: Isolated;
  vhost: Isolated;
  stop(): Promise<void>;
}

/**
 * The whole product in one process: the four real services, each with its own Nest app, talking
 * over a fresh RabbitMQ vhost and storing in a fresh PostgreSQL database. Nothing is mocked.
 */
export async function startSystem(overrides: NodeJS.ProcessEnv = {}): Promise<RunningSystem> {
  const [db, vhost] = await Promise.all([createTestDatabase('hc_e2e'), createTestVhost('hc_e2e')]);
  const env: NodeJS.ProcessEnv = {
    AMQP_URL: vhost.url,
    DATABASE_URL: db.url,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_ITERATIONS: '1',
    MONGO_URL: '',
    // Tests send in bursts; the per-user anti-abuse limit has its own test that sets it.
    SEND_RATE_PER_SECOND: '10000',
    SEND_BURST: '100000',
    ...overrides,
  };
  const started: INestApplication[] = [];
  try {
    const auth = await startAuthService(env);
    started.push(auth);
    const history = await startHistoryService(env);
    started.push(history);
    const room = await startRoomService(env);
    started.push(room);
    const gateway = await startGatewayService(env);
    started.push(gateway);
    const baseUrl = (await gateway.getUrl()).replace('[::1]', '127.0.0.1');
    return {
      baseUrl,
      wsUrl: `${baseUrl.replace(/^http/, 'ws')}/ws`,
      env,
      apps: { auth, room, history, gateway },
      db,
      vhost,
      async stop() {
        for (const app of started.reverse()) await app.close().catch(() => undefined);
        await Promise.all([db.drop(), vhost.drop()]);
      },
    };
  } catch (err) {
    for (const app of started.reverse()) await app.close().catch(() => undefined);
    await Promise.all([db.drop(), vhost.drop()]);
    throw err;
  }
}

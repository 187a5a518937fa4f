import { INestApplication } from '@nestjs/common';
import { Commands } from '@app/contracts';
import { uuidv7 } from '@app/common';
import { createTestDatabase, createTestVhost, eventually, Isolated } from '../../../../test/support/infra';
import { connectRpc } from '../../../../test/support/rpc';
import { startHistoryService } from '../index';

async function metric(app: INestApplication, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${await app.getUrl()}/metrics`)).text();
  const match = pattern.exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * Retention on its schedule, in real time: a global policy of 0.00003 days (about 2.6 s) checked
 * every second by two instances sharing one database.
 */
describe('history service: scheduled retention with two instances', () => {
  let db: Isolated;
  let vhost: Isolated;
  let apps: INestApplication[] = [];
  let client: Awaited<ReturnType<typeof connectRpc>>;

  beforeAll(async () => {
    [db, vhost] = await Promise.all([
      createTestDatabase('hc_history_ret'),
      createTestVhost('hc_history_ret'),
    ]);
    const env = {
      AMQP_URL: vhost.url,
      DATABASE_URL: db.url,
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      MONGO_URL: '',
      HISTORY_RETENTION_DAYS: '0.00003',
      HISTORY_RETENTION_INTERVAL_SECONDS: '1',
      HISTORY_RETENTION_BATCH: '2',
    };
    apps = await Promise.all([startHistoryService(env), startHistoryService(env)]);
    client = await connectRpc(vhost.url);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    for (const app of apps) await app.close();
    await Promise.all([db?.drop(), vhost?.drop()]);
  });

  it('really deletes expired messages, keeps rooms set to keep forever, and never reuses a seq', async () => {
    const [expiring, kept] = [uuidv7(), uuidv7()];
    await client.rpc.request(Commands.HISTORY_RETENTION_SET, { roomId: kept, days: 0 });
    const senderId = uuidv7();
    for (const roomId of [expiring, kept]) {
      for (let i = 1; i <= 5; i++) {
        await client.rpc.request(Commands.HISTORY_APPEND, {
          roomId,
          senderId,
          clientMsgId: `${roomId}-${i}`,
          kind: 'text',
          content: `message ${i}`,
        });
      }
    }
    await eventually(
      async () =>
        (await client.rpc.request(Commands.HISTORY_PAGE, { roomId: expiring, limit: 10 })).messages.length ===
        0,
      20_000,
      200,
    );
    const keptPage = await client.rpc.request(Commands.HISTORY_PAGE, { roomId: kept, limit: 10 });
    expect(keptPage.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    const next = await client.rpc.request(Commands.HISTORY_APPEND, {
      roomId: expiring,
      senderId,
      clientMsgId: `${expiring}-6`,
      kind: 'text',
      content: 'after the purge',
    });
    expect(next.message.seq).toBe(6);

    const deleted = await Promise.all(
      apps.map((app) => metric(app, /^happychat_history_retention_deleted_total (\d+)$/m)),
    );
    expect(deleted[0] + deleted[1]).toBe(5);
    const ran = await Promise.all(
      apps.map((app) => metric(app, /^happychat_history_retention_runs_total\{result="ran"\} (\d+)$/m)),
    );
    expect(ran[0] + ran[1]).toBeGreaterThanOrEqual(1);
  }, 40_000);
});

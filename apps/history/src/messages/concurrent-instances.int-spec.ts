import { INestApplication } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import { Commands, MessageView, SendResultView } from '@app/contracts';
import { uuidv7 } from '@app/common';
import {
  createTestDatabase,
  createTestVhost,
  Isolated,
  TEST_MONGO_URL,
  uniqueName,
} from '../../../../test/support/infra';
import { connectRpc } from '../../../../test/support/rpc';
import { startHistoryService } from '../index';

interface Backend {
  name: string;
  /** Environment for the service, and how to remove what it stored. */
  prepare(): Promise<{ env: NodeJS.ProcessEnv; drop(): Promise<void> }>;
  readyChecks: string[];
}

const postgres: Backend = {
  name: 'postgres',
  readyChecks: ['broker', 'database', 'history-store'],
  async prepare() {
    const db = await createTestDatabase('hc_history_pair');
    return { env: { DATABASE_URL: db.url, MONGO_URL: '' }, drop: () => db.drop() };
  },
};

const mongodb = (url: string): Backend => ({
  name: 'mongodb',
  // No database check: with MongoDB the service must not touch PostgreSQL at all.
  readyChecks: ['broker', 'history-store'],
  async prepare() {
    const dbName = uniqueName('hc_history_pair');
    return {
      // A PostgreSQL URL nothing listens on: starting would fail if the service tried to use it.
      env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/unused', MONGO_URL: url, MONGO_DB: dbName },
      async drop() {
        const client = new MongoClient(url);
        try {
          await client.connect();
          await client.db(dbName).dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  },
});

const backends: Backend[] = TEST_MONGO_URL ? [postgres, mongodb(TEST_MONGO_URL)] : [postgres];

async function storedCount(app: INestApplication): Promise<number> {
  const text = await (await fetch(`${await app.getUrl()}/metrics`)).text();
  const match = /^happychat_history_appends_total\{result="stored"\} (\d+)$/m.exec(text);
  return match ? Number(match[1]) : 0;
}

describe.each(backends)('two history instances on one $name store and one command queue', (backend) => {
  let vhost: Isolated;
  let store: { env: NodeJS.ProcessEnv; drop(): Promise<void> };
  let apps: INestApplication[] = [];
  let client: Awaited<ReturnType<typeof connectRpc>>;
  const roomId = uuidv7();
  const senders = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
  const originals = new Map<string, MessageView>();
  const appendNo = (i: number) =>
    client.rpc.request(Commands.HISTORY_APPEND, {
      roomId,
      senderId: senders[i % senders.length],
      clientMsgId: `msg-${i}`,
      kind: 'text',
      content: `message ${i}`,
    });

  beforeAll(async () => {
    [vhost, store] = await Promise.all([createTestVhost('hc_history_pair'), backend.prepare()]);
    const env = { ...store.env, AMQP_URL: vhost.url, HTTP_PORT: '0', LOG_LEVEL: 'warn' };
    // Started together, as two replicas would be: both run migrations / index creation at once.
    apps = await Promise.all([startHistoryService(env), startHistoryService(env)]);
    client = await connectRpc(vhost.url, 20_000);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    for (const app of apps) await app.close();
    await Promise.all([vhost?.drop(), store?.drop()]);
  });

  it('both are ready', async () => {
    for (const app of apps) {
      const res = await fetch(`${await app.getUrl()}/health/ready`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { checks: Record<string, string> };
      expect(Object.keys(body.checks).sort()).toEqual(backend.readyChecks);
    }
  });

  it('200 concurrent appends to one room get seqs 1..200, each exactly once, handled by both instances', async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => appendNo(i)));
    expect(replies.every((r) => !r.duplicate)).toBe(true);
    expect(replies.map((r) => r.message.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    expect(new Set(replies.map((r) => r.message.id)).size).toBe(200);
    for (const r of replies) originals.set(r.message.clientMsgId, r.message);

    const first = await client.rpc.request(Commands.HISTORY_PAGE, { roomId, afterSeq: 0, limit: 100 });
    const rest = await client.rpc.request(Commands.HISTORY_PAGE, { roomId, afterSeq: 100, limit: 100 });
    expect(first.hasMore).toBe(true);
    expect(rest.hasMore).toBe(false);
    const log = [...first.messages, ...rest.messages];
    expect(log.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(log.map((m) => m.clientMsgId).sort()).toEqual(replies.map((r) => r.message.clientMsgId).sort());

    const counts = await Promise.all(apps.map(storedCount));
    expect(counts[0] + counts[1]).toBe(200);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
  });

  it('retries of all 200, spread over both instances, store nothing new', async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => appendNo(i)));
    expect(replies.every((r) => r.duplicate)).toBe(true);
    // Each retry gets its own original back.
    expect(replies.map((r) => r.message)).toEqual(replies.map((r) => originals.get(r.message.clientMsgId)));
    const latest = await client.rpc.request(Commands.HISTORY_PAGE, { roomId, limit: 1 });
    expect(latest.messages[0].seq).toBe(200);
  });

  it('one key sent 20 times at once is stored once, at the next seq, and the rest are duplicates', async () => {
    const replies: SendResultView[] = await Promise.all(
      Array.from({ length: 20 }, () =>
        client.rpc.request(Commands.HISTORY_APPEND, {
          roomId,
          senderId: senders[0],
          clientMsgId: 'raced-key',
          kind: 'text',
          content: 'only once',
        }),
      ),
    );
    expect(replies.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(replies.map((r) => r.message.id)).size).toBe(1);
    expect(replies[0].message.seq).toBe(201);
    const latest = await client.rpc.request(Commands.HISTORY_PAGE, { roomId, limit: 100 });
    expect(latest.messages.at(-1)?.seq).toBe(201);
    expect(latest.messages.filter((m) => m.clientMsgId === 'raced-key')).toHaveLength(1);
  });
});

import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '@app/common';
import { createTestDatabase, Isolated } from '../../../../../test/support/infra';
import { describeHistoryStoreContract } from './history-store.contract';
import {
  HISTORY_ENTITIES,
  HISTORY_MIGRATIONS,
  HISTORY_SCHEMA,
  PostgresHistoryStore,
} from './postgres-history.store';

async function openDatabase(db: Isolated, poolSize?: number): Promise<DataSource> {
  const ds = await new DataSource(
    dataSourceOptions({
      url: db.url,
      schema: HISTORY_SCHEMA,
      entities: HISTORY_ENTITIES,
      migrations: HISTORY_MIGRATIONS,
      poolSize,
    }),
  ).initialize();
  await runMigrations(ds, HISTORY_SCHEMA);
  return ds;
}

describeHistoryStoreContract('postgres', async () => {
  const db = await createTestDatabase('hc_history_store');
  const ds = await openDatabase(db);
  return {
    store: new PostgresHistoryStore(ds),
    async cleanup() {
      await ds.destroy();
      await db.drop();
    },
  };
});

describe('PostgreSQL history schema', () => {
  let db: Isolated;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('hc_history_schema');
    ds = await openDatabase(db);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('has the unique indexes the store relies on', async () => {
    const rows = (await ds.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'history' AND tablename = 'messages' ORDER BY indexname`,
    )) as Array<{ indexname: string; indexdef: string }>;
    expect(rows.map((r) => r.indexname)).toEqual([
      'messages_pkey',
      'messages_room_seq_key',
      'messages_sender_client_msg_key',
    ]);
    expect(rows.find((r) => r.indexname === 'messages_room_seq_key')?.indexdef).toContain('(room_id, seq)');
    expect(rows.find((r) => r.indexname === 'messages_sender_client_msg_key')?.indexdef).toContain(
      '(sender_id, client_msg_id)',
    );
  });

  it('migrates down and up again', async () => {
    await ds.undoLastMigration({ transaction: 'each' });
    const [{ exists }] = (await ds.query(
      `SELECT to_regclass('history.messages') IS NOT NULL AS exists`,
    )) as Array<{
      exists: boolean;
    }>;
    expect(exists).toBe(false);
    expect(await runMigrations(ds, HISTORY_SCHEMA)).toEqual(['HistoryInit1732400000000']);
    await expect(
      new PostgresHistoryStore(ds).latestSeq('0190f5c2-7c1a-7000-8000-000000000001'),
    ).resolves.toBe(0);
  });
});

/*
 * Two history instances, each with its own small pool. When the winner of a clientMsgId race is
 * in instance A, every pooled connection of instance B can be a loser at once; a loser that needed
 * a second connection to read the winner would wait forever on its own exhausted pool.
 */
describe('PostgreSQL store: two instances racing one key', () => {
  let db: Isolated;
  let a: DataSource;
  let b: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('hc_history_pools');
    a = await openDatabase(db, 2);
    b = await openDatabase(db, 2);
  });

  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
    await db?.drop();
  });

  it('never waits on its own pool to read the winner', async () => {
    const storeA = new PostgresHistoryStore(a);
    const storeB = new PostgresHistoryStore(b);
    const roomId = '0190f5c2-7c1a-7000-8000-00000000c0de';
    const senderId = '0190f5c2-7c1a-7000-8000-00000000beef';
    for (let round = 1; round <= 25; round++) {
      const req = {
        roomId,
        senderId,
        clientMsgId: `k-${round}`,
        kind: 'text' as const,
        content: `round ${round}`,
      };
      const results = await Promise.all([
        storeA.append({ ...req }),
        ...[1, 2, 3, 4].map(() => storeB.append({ ...req })),
      ]);
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.message.seq))).toEqual(new Set([round]));
    }
  }, 30_000);
});

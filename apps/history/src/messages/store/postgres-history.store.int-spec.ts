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

async function openDatabase(db: Isolated): Promise<DataSource> {
  const ds = await new DataSource(
    dataSourceOptions({
      url: db.url,
      schema: HISTORY_SCHEMA,
      entities: HISTORY_ENTITIES,
      migrations: HISTORY_MIGRATIONS,
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

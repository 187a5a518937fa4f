import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '@app/common';
import { createTestDatabase, Isolated } from '../../../../../test/support/infra';
import { describeHistoryStoreContract } from './history-store.contract';
import {
  APPEND_MANY_SQL,
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

  it('has the indexes the store relies on', async () => {
    const rows = (await ds.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'history' AND tablename = 'messages' ORDER BY indexname`,
    )) as Array<{ indexname: string; indexdef: string }>;
    const def = (name: string) => rows.find((r) => r.indexname === name)?.indexdef;
    expect(rows.map((r) => r.indexname)).toEqual([
      'messages_pkey',
      'messages_room_created_idx',
      'messages_room_seq_key',
      'messages_search_idx',
      'messages_sender_client_msg_key',
    ]);
    expect(def('messages_room_seq_key')).toContain('(room_id, seq)');
    expect(def('messages_sender_client_msg_key')).toContain('(sender_id, client_msg_id)');
    expect(def('messages_room_created_idx')).toContain('(room_id, created_at, seq)');
    expect(def('messages_search_idx')).toMatch(
      /USING gin \(room_id, content .*gin_trgm_ops\) WITH \(gin_pending_list_limit='16384'\) WHERE \(deleted_at IS NULL\)/,
    );
  });

  it('migrates down and up again', async () => {
    const searchIndexOptions = async () =>
      (
        (await ds.query(
          `SELECT reloptions FROM pg_class WHERE oid = '"history"."messages_search_idx"'::regclass`,
        )) as Array<{ reloptions: string[] | null }>
      )[0].reloptions;
    expect(await searchIndexOptions()).toEqual(['gin_pending_list_limit=16384']);
    await ds.undoLastMigration({ transaction: 'each' });
    expect(await searchIndexOptions()).toEqual(['gin_pending_list_limit=256']);
    await ds.undoLastMigration({ transaction: 'each' });
    expect(await searchIndexOptions()).toBeNull();
    const hasEffects = async () =>
      (
        (await ds.query(
          `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'history' AND table_name = 'messages' AND column_name = 'effects'`,
        )) as Array<{ n: number }>
      )[0].n === 1;
    expect(await hasEffects()).toBe(true);
    await ds.undoLastMigration({ transaction: 'each' });
    expect(await hasEffects()).toBe(false);
    await ds.undoLastMigration({ transaction: 'each' });
    const exists = async (name: string) =>
      (
        (await ds.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [name])) as Array<{ exists: boolean }>
      )[0].exists;
    expect(await exists('history.reactions')).toBe(false);
    expect(await exists('history.messages')).toBe(true);
    await ds.undoLastMigration({ transaction: 'each' });
    expect(await exists('history.messages')).toBe(false);
    expect(await runMigrations(ds, HISTORY_SCHEMA)).toEqual([
      'HistoryInit1732400000000',
      'HistoryChatLog1732500000000',
      'MessageEffects1732600000000',
      'SearchIndexPendingList1732700000000',
      'SearchIndexMergedApart1732800000000',
    ]);
    expect(await searchIndexOptions()).toEqual(['gin_pending_list_limit=16384']);
    await expect(
      new PostgresHistoryStore(ds).latestSeq('0190f5c2-7c1a-7000-8000-000000000001'),
    ).resolves.toBe(0);
  });

  it('plans the group append to probe the retry index per message, even when planned on an empty table', async () => {
    // A prepared statement keeps its generic plan while the table grows: a plan that hashes
    // the whole messages table (cheap while it is empty) must not be possible.
    const runner = ds.createQueryRunner();
    try {
      await runner.connect();
      expect(await runner.query(`SELECT count(*)::int AS n FROM "history"."messages"`)).toEqual([{ n: 0 }]);
      await runner.query(`PREPARE append_many(jsonb) AS ${APPEND_MANY_SQL}`);
      await runner.query(`SET plan_cache_mode = force_generic_plan`);
      const input = JSON.stringify(
        [1, 2, 3].map((ord) => ({
          ord,
          roomId: '0190f5c2-7c1a-7000-8000-0000000000b1',
          senderId: '0190f5c2-7c1a-7000-8000-0000000000c1',
          kind: 'text',
          content: `plan ${ord}`,
          clientMsgId: `plan-${ord}`,
        })),
      );
      const text = (
        (await runner.query(`EXPLAIN EXECUTE append_many('${input.replace(/'/g, "''")}')`)) as Array<{
          'QUERY PLAN': string;
        }>
      )
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(text).toMatch(/Index Only Scan using messages_sender_client_msg_key on messages/);
      expect(text).not.toMatch(/Seq Scan on messages|Hash[^\n]*Join/);
    } finally {
      await runner.query(`DEALLOCATE ALL`).catch(() => undefined);
      await runner.query(`RESET plan_cache_mode`).catch(() => undefined);
      await runner.release();
    }
  });

  describe('query plans on a filled table (30,000 messages, 10 rooms, 30 days)', () => {
    const room = '0190f5c2-7c1a-7000-8000-0000000000a1';
    const plan = async (sql: string, params: unknown[]): Promise<string> =>
      ((await ds.query(`EXPLAIN ${sql}`, params)) as Array<{ 'QUERY PLAN': string }>)
        .map((r) => r['QUERY PLAN'])
        .join('\n');

    beforeAll(async () => {
      await ds.query(`
        INSERT INTO "history"."messages" ("id", "room_id", "seq", "sender_id", "kind", "content", "client_msg_id", "created_at")
        SELECT gen_random_uuid(),
               ('0190f5c2-7c1a-7000-8000-0000000000a' || (g % 10))::uuid,
               g / 10 + 1,
               gen_random_uuid(),
               'text',
               'message ' || g || ' 안녕하세요 hello world ' || md5(g::text),
               'c' || g,
               timestamptz '2026-01-01' + (g / 10) * interval '1 minute' * 14.4
        FROM generate_series(0, 29999) g`);
      // VACUUM also flushes the GIN pending list the insert filled (autovacuum does this in service).
      await ds.query(`VACUUM ANALYZE "history"."messages"`);
    });

    it('reads a 3-day window of one room as one range scan of (room_id, created_at, seq), no sort', async () => {
      const text = await plan(
        `SELECT m.* FROM "history"."messages" m
         WHERE m."room_id" = $1 AND m."created_at" >= $2 AND m."created_at" < $3 AND m."deleted_at" IS NULL
         ORDER BY m."created_at", m."seq" LIMIT 101`,
        [room, '2026-01-10T00:00:00Z', '2026-01-13T00:00:00Z'],
      );
      expect(text).toMatch(/^Limit/);
      expect(text).toContain('Index Scan using messages_room_created_idx');
      expect(text).not.toMatch(/Sort|Seq Scan|Bitmap/);
    });

    it('searches rooms through the trigram index when the pattern is selective', async () => {
      const rooms = Array.from({ length: 10 }, (_, i) => `0190f5c2-7c1a-7000-8000-0000000000a${i}`);
      const text = await plan(
        `SELECT m.* FROM "history"."messages" m
         WHERE m."deleted_at" IS NULL AND m."content" ILIKE $1 ESCAPE '\\' AND m."room_id" = ANY($2::uuid[])
         ORDER BY m."id" DESC LIMIT 21`,
        [`%${createHash('md5').update('12345').digest('hex').slice(0, 12)}%`, rooms],
      );
      expect(text).toContain('Bitmap Index Scan on messages_search_idx');
      const one = await plan(
        `SELECT m.* FROM "history"."messages" m
         WHERE m."deleted_at" IS NULL AND m."content" ILIKE $1 ESCAPE '\\' AND m."room_id" = $2::uuid
         ORDER BY m."id" DESC LIMIT 21`,
        [`%${createHash('md5').update('12345').digest('hex').slice(0, 12)}%`, room],
      );
      // room_id and the trigrams are both conditions of the one GIN scan.
      expect(one).toMatch(/Bitmap Index Scan on messages_search_idx[^\n]*\n\s+Index Cond: \(\(room_id = /);
    });
  });
});

describe('PostgreSQL store: the search index merged apart from appends', () => {
  let db: Isolated;
  let ds: DataSource;
  const roomId = '0190f5c2-7c1a-7000-8000-00000000a11a';
  const append = (store: PostgresHistoryStore, from: number, n: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        store.append({
          roomId,
          senderId: '0190f5c2-7c1a-7000-8000-00000000beef',
          clientMsgId: `s-${from + i}`,
          kind: 'text',
          content: `메시지 ${from + i}: the quick brown fox jumps over the lazy dog 안녕하세요 👋`,
        }),
      ),
    );
  const pendingPagesLeft = async () =>
    Number(
      (
        (await ds.query(
          `SELECT gin_clean_pending_list('"history"."messages_search_idx"'::regclass) AS "pages"`,
        )) as Array<{ pages: string }>
      )[0].pages,
    );

  beforeAll(async () => {
    db = await createTestDatabase('hc_history_search_merge');
    ds = await openDatabase(db);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('leaves new messages in the pending list for the merge, which empties it, and finds them all along', async () => {
    const store = new PostgresHistoryStore(ds);
    await append(store, 0, 300);
    const search = async (query: string) =>
      (await store.search({ rooms: [{ roomId }], query, limit: 5 })).messages.map((m) => m.content);
    expect(await search('메시지 123:')).toEqual([
      '메시지 123: the quick brown fox jumps over the lazy dog 안녕하세요 👋',
    ]);
    expect(await store.mergeSearchIndex()).toBeGreaterThan(0);
    expect(await pendingPagesLeft()).toBe(0);
    expect(await search('메시지 123:')).toEqual([
      '메시지 123: the quick brown fox jumps over the lazy dog 안녕하세요 👋',
    ]);
    expect(await store.mergeSearchIndex()).toBe(0);
  });

  it('lets several instances merge at once: one does the work, none fails', async () => {
    const [a, b] = [new PostgresHistoryStore(ds), new PostgresHistoryStore(ds)];
    await Promise.all([append(a, 1000, 150), append(b, 2000, 150)]);
    const merged = await Promise.all([a.mergeSearchIndex(), b.mergeSearchIndex()]);
    expect(merged[0] + merged[1]).toBeGreaterThan(0);
    expect(await pendingPagesLeft()).toBe(0);
  });
});

describe('PostgreSQL store: retention runs in one instance at a time', () => {
  let db: Isolated;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('hc_history_retention');
    ds = await openDatabase(db);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('skips the round while another instance holds the retention lock, and runs once it is free', async () => {
    const store = new PostgresHistoryStore(ds);
    const roomId = '0190f5c2-7c1a-7000-8000-00000000d00d';
    for (let i = 1; i <= 3; i++) {
      await store.append({
        roomId,
        senderId: '0190f5c2-7c1a-7000-8000-00000000beef',
        clientMsgId: `r-${i}`,
        kind: 'text',
        content: `old ${i}`,
      });
    }
    const later = new Date(Date.now() + 3 * 86_400_000);
    const other = ds.createQueryRunner();
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('happychat.history.retention'))`);
      await expect(store.purgeExpired({ now: later, globalDays: 1, batchSize: 10 })).resolves.toEqual({
        ran: false,
        deleted: 0,
      });
      expect(await store.page({ roomId, limit: 10 })).toMatchObject({ messages: expect.any(Array) });
      expect((await store.page({ roomId, limit: 10 })).messages).toHaveLength(3);
      await other.query(`SELECT pg_advisory_unlock(hashtext('happychat.history.retention'))`);
    } finally {
      await other.release();
    }
    await expect(store.purgeExpired({ now: later, globalDays: 1, batchSize: 10 })).resolves.toEqual({
      ran: true,
      deleted: 3,
    });
    // The lock is given back after a round: the next one runs too.
    await expect(store.purgeExpired({ now: later, globalDays: 1, batchSize: 10 })).resolves.toEqual({
      ran: true,
      deleted: 0,
    });
  });

  it('two instances purging at once delete each row once', async () => {
    const a = new PostgresHistoryStore(ds);
    const b = new PostgresHistoryStore(ds);
    const roomId = '0190f5c2-7c1a-7000-8000-00000000d00e';
    for (let i = 1; i <= 20; i++) {
      await a.append({
        roomId,
        senderId: '0190f5c2-7c1a-7000-8000-00000000beef',
        clientMsgId: `s-${i}`,
        kind: 'text',
        content: `old ${i}`,
      });
    }
    const later = new Date(Date.now() + 3 * 86_400_000);
    const results = await Promise.all([
      a.purgeExpired({ now: later, globalDays: 1, batchSize: 3 }),
      b.purgeExpired({ now: later, globalDays: 1, batchSize: 3 }),
    ]);
    expect(results[0].deleted + results[1].deleted).toBe(20);
    expect(results.some((r) => r.ran)).toBe(true);
    expect(await a.latestSeq(roomId)).toBe(20);
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

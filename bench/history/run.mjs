#!/usr/bin/env node
// History store benchmark (not a test): loads a fresh PostgreSQL database with one big room and
// many small ones, then times the real PostgresHistoryStore (the built code in dist/) on the reads
// people do: the newest page, a deep page, a page around a message, a 3-day window, a summary of
// 500 rooms, and search. Latencies are reported as p50/p99 in ms and as ratios to a baseline
// measured in the same run (a primary-key lookup), so runs on different machines compare.
//
//   npm run bench:history                                  # 1M in one room, 10M in total
//   BENCH_TOTAL=200000 BENCH_BIG_ROOM=50000 npm run bench:history   # a quick proof
//
// Env: BENCH_TOTAL, BENCH_BIG_ROOM, BENCH_ROOMS (small rooms, default 2000), BENCH_SAMPLES (per
// query, default 300), BENCH_DOCS=0 to leave docs/performance.md alone. The database is dropped
// at the end, also on failure. Results: bench/results/history-<time>.json.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import pg from 'pg';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => join(root, 'dist', p);

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TOTAL = Number(process.env.BENCH_TOTAL ?? 10_000_000);
const BIG = Number(process.env.BENCH_BIG_ROOM ?? 1_000_000);
const ROOMS = Number(process.env.BENCH_ROOMS ?? 2000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const WRITE_DOCS = process.env.BENCH_DOCS !== '0';
const LOADERS = 2;
const DAYS = 365;
const START = Date.parse('2025-01-01T00:00:00Z');
const BIG_ROOM = '0190f5c2-7c1a-7000-8000-00000000b160';
/** Small rooms: 0190f5c2-7c1a-7000-8000-0000<8 hex digits>. */
const smallRoom = (i) => `0190f5c2-7c1a-7000-8000-0000${i.toString(16).padStart(8, '0')}`;

if (!(TOTAL > BIG && BIG >= 1000 && ROOMS >= 1)) {
  console.error('need BENCH_TOTAL > BENCH_BIG_ROOM >= 1000 and BENCH_ROOMS >= 1');
  process.exit(2);
}

const log = (...a) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

async function admin(sql) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function timed(label, fn) {
  const t = performance.now();
  const out = await fn();
  const s = (performance.now() - t) / 1000;
  log(`${label}: ${s.toFixed(1)} s`);
  return { out, seconds: s };
}

// Content from a small vocabulary (English and Korean), plus a number that makes rare substrings.
const WORDS = [
  'hello',
  'meeting',
  'lunch',
  'deploy',
  'review',
  'coffee',
  'tomorrow',
  'release',
  'bug',
  'thanks',
  '안녕하세요',
  '회의',
  '점심',
  '배포',
  '검토',
  '커피',
  '내일',
  '출시',
  '버그',
  '감사합니다',
];
const WORD_SQL = `(ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}])`;

/** Rows g in [lo, hi) of one generated set; `room`, `seq` and the time are derived from g. */
function insertSql(kind) {
  const isBig = kind === 'big';
  const room = isBig
    ? `'${BIG_ROOM}'::uuid`
    : `('0190f5c2-7c1a-7000-8000-0000' || lpad(to_hex(g % ${ROOMS}), 8, '0'))::uuid`;
  const seq = isBig ? 'g + 1' : `g / ${ROOMS} + 1`;
  const perRoom = isBig ? BIG : Math.ceil((TOTAL - BIG) / ROOMS);
  // Evenly over DAYS days, in seq order within each room.
  const ms = `(${START}::bigint + ((${seq}) - 1)::bigint * ${Math.floor((DAYS * 86_400_000) / perRoom)})`;
  const tag = isBig ? 'b' : 's';
  return `
    INSERT INTO "history"."messages"
      ("id", "room_id", "seq", "sender_id", "kind", "content", "client_msg_id", "created_at")
    SELECT (lpad(to_hex(${ms}), 12, '0') || '7000' || '${isBig ? 'b' : 'a'}' || lpad(to_hex(g), 15, '0'))::uuid,
           ${room},
           ${seq},
           ('00000000-0000-7000-8000-' || lpad(to_hex(g % 1000), 12, '0'))::uuid,
           'text',
           ${WORD_SQL}[1 + g % 20] || ' ' || ${WORD_SQL}[1 + (g / 20) % 20] || ' ' || ${WORD_SQL}[1 + (g / 400) % 20] || ' #' || g || '#',
           '${tag}' || g,
           to_timestamp(${ms} / 1000.0)
    FROM generate_series($1::bigint, $2::bigint - 1) AS g`;
}

function quantiles(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { n: s.length, p50: q(0.5), p99: q(0.99), max: s[s.length - 1] };
}

async function measure(name, n, fn) {
  for (let i = 0; i < Math.min(20, n); i++) await fn(i); // warm up
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  const r = quantiles(samples);
  log(`${name}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`);
  return r;
}

const rand = (n) => Math.floor(Math.random() * n);

async function main() {
  require('reflect-metadata');
  const { dataSourceOptions, runMigrations } = require(dist('libs/common/src/index.js'));
  const store = require(dist('apps/history/src/messages/store/postgres-history.store.js'));
  const { DataSource } = require('typeorm');

  const dbName = `hc_bench_history_${Date.now().toString(36)}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  await admin(`CREATE DATABASE "${dbName}"`);
  // Interrupted: drop the database anyway (finally blocks do not run on a signal).
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`)
        .catch(() => undefined)
        .finally(() => process.exit(130));
    });
  }
  log(
    `database ${dbName}: ${TOTAL.toLocaleString()} messages, ${BIG.toLocaleString()} in one room, the rest in ${ROOMS} rooms`,
  );
  const result = {
    kind: 'history-store',
    startedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      loadavg: os.loadavg(),
    },
    size: { total: TOTAL, bigRoom: BIG, smallRooms: ROOMS, perSmallRoom: Math.ceil((TOTAL - BIG) / ROOMS) },
    load: {},
    queries: {},
  };
  let ds;
  try {
    ds = await new DataSource(
      dataSourceOptions({
        url: url.toString(),
        schema: store.HISTORY_SCHEMA,
        entities: store.HISTORY_ENTITIES,
        migrations: store.HISTORY_MIGRATIONS,
        poolSize: 4,
      }),
    ).initialize();
    await runMigrations(ds, store.HISTORY_SCHEMA);

    // Build the indexes once after the load rather than maintaining them row by row: same
    // definitions as the migrations, read back from the catalog.
    const constraints = await ds.query(`
      SELECT conname, conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def, contype
      FROM pg_constraint WHERE conrelid = 'history.messages'::regclass AND contype IN ('p', 'u')
         OR conrelid = 'history.reactions'::regclass AND contype = 'f'`);
    const indexes = await ds.query(`
      SELECT indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'history' AND tablename = 'messages'
        AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'history.messages'::regclass)`);
    for (const c of constraints.filter((c) => c.contype === 'f'))
      await ds.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT "${c.conname}"`);
    for (const c of constraints.filter((c) => c.contype !== 'f'))
      await ds.query(`ALTER TABLE history.messages DROP CONSTRAINT "${c.conname}"`);
    for (const i of indexes) await ds.query(`DROP INDEX history."${i.indexname}"`);

    const load = await timed('load rows (generate_series, 2 connections)', async () => {
      const chunks = [];
      const step = Math.ceil(BIG / LOADERS);
      for (let lo = 0; lo < BIG; lo += step) chunks.push(['big', lo, Math.min(BIG, lo + step)]);
      const rest = TOTAL - BIG;
      const step2 = Math.ceil(rest / (LOADERS * 4));
      for (let lo = 0; lo < rest; lo += step2) chunks.push(['small', lo, Math.min(rest, lo + step2)]);
      const queue = [...chunks];
      await Promise.all(
        Array.from({ length: LOADERS }, async () => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            const [kind, lo, hi] = next;
            await ds.query(insertSql(kind), [lo, hi]);
          }
        }),
      );
      await ds.query(`
        INSERT INTO history.room_sequences (room_id, last_seq)
        SELECT room_id, max(seq) FROM history.messages GROUP BY room_id`);
    });
    result.load.rowsSeconds = load.seconds;

    const build = await timed('build indexes (2 connections)', async () => {
      const statements = [
        ...constraints
          .filter((c) => c.contype !== 'f')
          .map((c) => `ALTER TABLE history.messages ADD CONSTRAINT "${c.conname}" ${c.def}`),
        ...indexes.map((i) => i.indexdef),
      ];
      // The GIN index is the long one: start it first, the btrees run beside it.
      statements.sort((a, b) => Number(/gin/i.test(b)) - Number(/gin/i.test(a)));
      const queue = [...statements];
      await Promise.all(
        Array.from({ length: LOADERS }, async () => {
          const runner = ds.createQueryRunner();
          await runner.connect();
          try {
            await runner.query(`SET maintenance_work_mem = '1GB'`);
            await runner.query(`SET max_parallel_maintenance_workers = 1`);
            for (let next = queue.shift(); next; next = queue.shift()) await runner.query(next);
          } finally {
            await runner.release();
          }
        }),
      );
      for (const c of constraints.filter((c) => c.contype === 'f'))
        await ds.query(`ALTER TABLE ${c.tbl} ADD CONSTRAINT "${c.conname}" ${c.def}`);
      await ds.query('VACUUM ANALYZE history.messages');
      await ds.query('ANALYZE history.room_sequences');
    });
    result.load.indexSeconds = build.seconds;
    result.load.totalSeconds = load.seconds + build.seconds;
    const [{ size }] = await ds.query(
      `SELECT pg_size_pretty(pg_total_relation_size('history.messages')) AS size`,
    );
    result.load.tableWithIndexes = size;
    log(`history.messages with indexes: ${size}`);

    const s = new store.PostgresHistoryStore(ds);
    const bigIds = (
      await ds.query(`SELECT id FROM history.messages WHERE room_id = $1 AND seq = ANY($2::bigint[])`, [
        BIG_ROOM,
        Array.from({ length: SAMPLES }, () => 1 + rand(BIG)),
      ])
    ).map((r) => r.id);
    const anyIds = (
      await ds.query(`SELECT id FROM history.messages TABLESAMPLE SYSTEM (1) LIMIT $1`, [SAMPLES])
    ).map((r) => r.id);
    const q = result.queries;

    q.baselinePrimaryKey = await measure('baseline: primary-key lookup', SAMPLES, (i) =>
      ds.query(`SELECT * FROM history.messages WHERE id = $1`, [anyIds[i % anyIds.length]]),
    );
    q.pageNewest = await measure('page of 50, newest (big room)', SAMPLES, () =>
      s.page({ roomId: BIG_ROOM, limit: 50 }),
    );
    q.pageDeepBefore = await measure('page of 50, beforeSeq deep in the big room', SAMPLES, () =>
      s.page({ roomId: BIG_ROOM, beforeSeq: 51 + rand(BIG - 50), limit: 50 }),
    );
    q.pageAround = await measure('page of 50 around a random message (big room)', SAMPLES, (i) =>
      s.page({ roomId: BIG_ROOM, aroundId: bigIds[i % bigIds.length], limit: 50 }),
    );
    q.pageSmallRoom = await measure('page of 50, newest (small room)', SAMPLES, () =>
      s.page({ roomId: smallRoom(rand(ROOMS)), limit: 50 }),
    );
    q.threeDayWindow = await measure('3-day window, first 100 (big room)', SAMPLES, () => {
      const from = new Date(START + rand(DAYS - 3) * 86_400_000);
      return s.range({
        roomId: BIG_ROOM,
        from,
        to: new Date(from.getTime() + 3 * 86_400_000),
        limit: 100,
        includeDeleted: true,
      });
    });
    const rooms500 = Array.from({ length: Math.min(500, ROOMS) }, (_, i) => smallRoom(i));
    q.summary500Rooms = await measure(
      `summary of ${rooms500.length} rooms`,
      Math.max(20, Math.floor(SAMPLES / 5)),
      () => s.summary(rooms500),
    );
    const searchN = Math.max(20, Math.floor(SAMPLES / 5));
    q.searchRareInBigRoom = await measure('search, rare substring, big room', searchN, () =>
      s.search({ rooms: [{ roomId: BIG_ROOM }], query: `#${rand(BIG)}#`, limit: 20 }),
    );
    q.searchCommonInBigRoom = await measure('search, common word, big room', searchN, () =>
      s.search({ rooms: [{ roomId: BIG_ROOM }], query: WORDS[rand(WORDS.length)], limit: 20 }),
    );
    const allRooms = [
      { roomId: BIG_ROOM },
      ...Array.from({ length: Math.min(999, ROOMS) }, (_, i) => ({ roomId: smallRoom(i) })),
    ];
    q.searchRareAcross1000Rooms = await measure(
      `search, rare substring, across ${allRooms.length} rooms`,
      searchN,
      () => s.search({ rooms: allRooms, query: `#${rand(TOTAL - BIG)}#`, limit: 20 }),
    );
    q.searchKoreanAcross1000Rooms = await measure(
      `search, Korean word, across ${allRooms.length} rooms`,
      searchN,
      () => s.search({ rooms: allRooms, query: WORDS[10 + rand(10)], limit: 20 }),
    );
    const base = q.baselinePrimaryKey.p50;
    for (const [k, v] of Object.entries(q)) {
      v.p50Ratio = +(v.p50 / base).toFixed(1);
      v.p99Ratio = +(v.p99 / base).toFixed(1);
    }
  } finally {
    await ds?.destroy().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch((e) =>
      log(`drop failed: ${e.message}`),
    );
    log(`dropped ${dbName}`);
  }

  result.finishedAt = new Date().toISOString();
  const stamp = result.startedAt.replace(/[:.]/g, '').slice(0, 15);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const out = join(root, 'bench', 'results', `history-${stamp}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${out}`);
  const table = markdown(result);
  console.log(`\n${table}`);
  if (WRITE_DOCS) updateDocs(table);
}

function labels(size) {
  const big = `${size.bigRoom.toLocaleString('en')}-message room`;
  const across = `across ${Math.min(1000, size.smallRooms + 1).toLocaleString('en')} rooms`;
  return {
    baselinePrimaryKey: 'baseline: one message by primary key',
    pageNewest: `page of 50, newest, ${big}`,
    pageDeepBefore: `page of 50, \`beforeSeq\` anywhere in the ${big}`,
    pageAround: `page of 50 \`aroundId\` a random message, ${big}`,
    pageSmallRoom: `page of 50, newest, a ${size.perSmallRoom.toLocaleString('en')}-message room`,
    threeDayWindow: `3-day window (\`from\`/\`to\`), first 100, ${big}`,
    summary500Rooms: `\`history.summary\` of ${Math.min(500, size.smallRooms)} rooms`,
    searchRareInBigRoom: `search, rare substring, ${big}`,
    searchCommonInBigRoom: `search, common word (in about 1 of 7 messages), ${big}, newest 20`,
    searchRareAcross1000Rooms: `search, rare substring, ${across}`,
    searchKoreanAcross1000Rooms: `search, common Korean word, ${across}, newest 20`,
  };
}

function markdown(r) {
  const names = labels(r.size);
  const rows = Object.entries(r.queries).map(
    ([k, v]) =>
      `| ${names[k] ?? k} | ${v.p50.toFixed(2)} | ${v.p99.toFixed(2)} | ${v.p50Ratio} | ${v.p99Ratio} |`,
  );
  return [
    `Run ${r.startedAt} on ${r.machine.cpus} CPUs (${r.machine.cpuModel}), load average ${r.machine.loadavg.map((x) => x.toFixed(1)).join(' ')}:`,
    `${r.size.total.toLocaleString('en')} messages, ${r.size.bigRoom.toLocaleString('en')} in one room, the rest in ${r.size.smallRooms.toLocaleString('en')} rooms.`,
    `Load ${r.load.rowsSeconds.toFixed(0)} s + indexes ${r.load.indexSeconds.toFixed(0)} s; table with indexes ${r.load.tableWithIndexes}.`,
    '',
    '| query | p50 ms | p99 ms | p50 × baseline | p99 × baseline |',
    '|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

function updateDocs(table) {
  const file = join(root, 'docs', 'performance.md');
  const start = '<!-- bench:history:start -->';
  const end = '<!-- bench:history:end -->';
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    log('docs/performance.md not found: results left in bench/results only');
    return;
  }
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    log('docs/performance.md has no history markers: results left in bench/results only');
    return;
  }
  writeFileSync(file, `${text.slice(0, i + start.length)}\n${table}\n${text.slice(j)}`);
  log('updated docs/performance.md');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

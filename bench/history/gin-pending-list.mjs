#!/usr/bin/env node
// What the search index's pending list does to appends (not a test): inserts of --rows rows (a
// group append) at a steady pace into a table with the history store's search index, GIN
// (room_id, content gin_trgm_ops), under several index settings in turn, same run, and the same
// table without that index as the baseline. Printed per setting: insert latency p50/p99/p999/max,
// inserts slower than 20 ms (the pending list being merged inside an insert), and the database's
// CPU per row (/proc: the inserting backend, plus the one merging where a setting has a merger).
// The history store uses gin_pending_list_limit = 16384 with a merge every second from each
// history service (migration 1732800000000, SearchMergeScheduler); docs/performance.md has runs.
//
//   node bench/history/gin-pending-list.mjs [--seconds=30] [--rate=1000] [--rows=20] [--prefill=200000]
//
// --rate is rows per second; GIN_ONLY=<regexp> runs only the settings whose label matches (the
// baseline's label is "no search index (baseline)"). --rows=1 --rate=500 is the probe of
// 2026-12-06. A fresh database, dropped at the end (also on failure). PostgreSQL must run on this
// machine (the backends' CPU is read from /proc).
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { positiveNumber } from '../lib/args.mjs';
import { Histogram } from '../lib/histogram.mjs';
import { cpuSeconds } from '../lib/proc.mjs';

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    rate: { type: 'string', default: '1000' },
    rows: { type: 'string', default: '20' },
    prefill: { type: 'string', default: '200000' },
  },
});
const SECONDS = positiveNumber('seconds', opts.seconds);
const RATE = positiveNumber('rate', opts.rate);
const PREFILL = positiveNumber('prefill', opts.prefill);
const ROWS = positiveNumber('rows', opts.rows);
/**
 * index: the WITH clause of the search index (null: no search index); keys: what it indexes, the
 * content's trigrams unless said (words: for comparison, what a word-and-prefix search would pay);
 * mergeMs: a second session merging.
 */
const SETTINGS = [
  { label: 'no search index (baseline)', index: null },
  { label: 'fastupdate = off', index: 'fastupdate = off' },
  { label: 'fastupdate = on (4 MB)', index: 'fastupdate = on' },
  { label: 'gin_pending_list_limit = 256', index: 'gin_pending_list_limit = 256' },
  { label: '16 MB, merged every 1 s apart', index: 'gin_pending_list_limit = 16384', mergeMs: 1000 },
  { label: '64 MB, merged every 5 s apart', index: 'gin_pending_list_limit = 65536', mergeMs: 5000 },
  { label: '64 MB, merged every 15 s apart', index: 'gin_pending_list_limit = 65536', mergeMs: 15000 },
  {
    label: 'words (not trigrams), 1 s apart',
    index: 'gin_pending_list_limit = 16384',
    keys: "to_tsvector('simple', content)",
    mergeMs: 1000,
  },
];
const ONLY = process.env.GIN_ONLY ? new RegExp(process.env.GIN_ONLY) : null;

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `gin_probe_${process.pid}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${database}`;
const db = new pg.Client({ connectionString: url.href });
const merger = new pg.Client({ connectionString: url.href });

const WORDS =
  'hello there how are you doing today 안녕하세요 반갑습니다 점심 먹었어요 quick brown fox lunch meeting tomorrow 👋 🎉'.split(
    ' ',
  );
const chatLine = () =>
  Array.from(
    { length: 6 + Math.floor(Math.random() * 10) },
    () => WORDS[Math.floor(Math.random() * WORDS.length)],
  )
    .concat(Math.random().toString(36).slice(2, 10))
    .join(' ');

try {
  await db.connect();
  await merger.connect();
  await db.query('CREATE EXTENSION pg_trgm');
  await db.query('CREATE EXTENSION btree_gin');
  const [{ pid }] = (await db.query('SELECT pg_backend_pid() AS pid')).rows;
  const [{ pid: mergerPid }] = (await merger.query('SELECT pg_backend_pid() AS pid')).rows;
  const rooms = Array.from({ length: 50 }, () => randomUUID());
  console.log(
    `${SECONDS} s per setting at ${RATE} rows/s in inserts of ${ROWS}, on ${PREFILL} rows; backends ${pid}, ${mergerPid}`,
  );
  const insertSql = `INSERT INTO messages (room_id, content) SELECT * FROM unnest($1::uuid[], $2::text[])`;
  let baseline;
  for (const setting of SETTINGS.filter((x) => !ONLY || ONLY.test(x.label))) {
    await db.query('DROP TABLE IF EXISTS messages');
    await db.query(
      'CREATE TABLE messages (id bigserial PRIMARY KEY, room_id uuid NOT NULL, content text NOT NULL)',
    );
    await db.query(
      `INSERT INTO messages (room_id, content)
       SELECT gen_random_uuid(), md5(i::text) || ' hello there 안녕하세요 ' || i FROM generate_series(1, $1) i`,
      [PREFILL],
    );
    if (setting.index)
      await db.query(
        `CREATE INDEX messages_search_idx ON messages USING gin (room_id, ${setting.keys ?? 'content gin_trgm_ops'}) WITH (${setting.index})`,
      );
    await db.query('VACUUM ANALYZE messages');
    const latencies = new Histogram();
    let stalls = 0;
    let stop = false;
    const merging = (async () => {
      while (setting.mergeMs && !stop) {
        await new Promise((r) => setTimeout(r, setting.mergeMs));
        await merger.query(`SELECT gin_clean_pending_list('messages_search_idx'::regclass)`);
      }
    })();
    const cpuBefore = cpuSeconds(pid) + cpuSeconds(mergerPid);
    const started = performance.now();
    let rows = 0;
    for (let i = 0; performance.now() - started < SECONDS * 1000; i++) {
      const t = performance.now();
      const roomIds = Array.from({ length: ROWS }, (_, k) => rooms[(i * ROWS + k) % rooms.length]);
      await db.query({ name: 'insert', text: insertSql, values: [roomIds, roomIds.map(chatLine)] });
      rows += ROWS;
      const took = performance.now() - t;
      latencies.record(took);
      if (took > 20) stalls++;
      const wait = started + (rows * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    stop = true;
    await merging;
    // A merger's last merge counts; an insert-time merge still owed is left out for every setting alike.
    const cpuPerRowUs = ((cpuSeconds(pid) + cpuSeconds(mergerPid) - cpuBefore) * 1e6) / rows;
    baseline ??= cpuPerRowUs;
    const { p50, p99, p999, max } = latencies.summary();
    const ms = (v) => v.toFixed(2);
    console.log(
      `${setting.label.padEnd(32)} p50 ${ms(p50)}  p99 ${ms(p99)}  p999 ${ms(p999)}  max ${ms(max)} ms;  > 20 ms: ${stalls} of ${latencies.n};  CPU ${cpuPerRowUs.toFixed(0)} µs/row (${(cpuPerRowUs / baseline).toFixed(2)}x the baseline)`,
    );
  }
} finally {
  await db.end().catch(() => undefined);
  await merger.end().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.end();
}

#!/usr/bin/env node
// What the search index's pending list does to appends (not a test): single-row inserts at a
// steady pace into a table with the history store's search index, GIN (room_id, content
// gin_trgm_ops), under several index settings in turn, same run. Printed per setting: insert
// latency p50/p99/p999/max, inserts slower than 20 ms (the pending list being merged inside an
// insert), and the backend's CPU per insert (/proc). The history store uses
// gin_pending_list_limit = 256 (migration 1732700000000); docs/performance.md has a run.
//
//   node bench/history/gin-pending-list.mjs [--seconds=30] [--rate=500] [--prefill=200000]
//
// A fresh database, dropped at the end (also on failure). PostgreSQL must run on this machine
// (the backend's CPU is read from /proc).
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { positiveNumber } from '../lib/args.mjs';
import { Histogram } from '../lib/histogram.mjs';
import { cpuSeconds } from '../lib/proc.mjs';

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    rate: { type: 'string', default: '500' },
    prefill: { type: 'string', default: '200000' },
  },
});
const SECONDS = positiveNumber('seconds', opts.seconds);
const RATE = positiveNumber('rate', opts.rate);
const PREFILL = positiveNumber('prefill', opts.prefill);
const SETTINGS = [
  'fastupdate = on',
  'fastupdate = off',
  'fastupdate = on, gin_pending_list_limit = 1024',
  'fastupdate = on, gin_pending_list_limit = 256',
];

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `gin_probe_${process.pid}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${database}`;
const db = new pg.Client({ connectionString: url.href });

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
  await db.query('CREATE EXTENSION pg_trgm');
  await db.query('CREATE EXTENSION btree_gin');
  const [{ pid }] = (await db.query('SELECT pg_backend_pid() AS pid')).rows;
  const rooms = Array.from({ length: 50 }, () => randomUUID());
  console.log(`${SECONDS} s per setting at ${RATE} inserts/s, on ${PREFILL} rows; PostgreSQL backend ${pid}`);
  for (const [n, setting] of SETTINGS.entries()) {
    await db.query('DROP TABLE IF EXISTS messages');
    await db.query(
      'CREATE TABLE messages (id bigserial PRIMARY KEY, room_id uuid NOT NULL, content text NOT NULL)',
    );
    await db.query(
      `INSERT INTO messages (room_id, content)
       SELECT gen_random_uuid(), md5(i::text) || ' hello there 안녕하세요 ' || i FROM generate_series(1, $1) i`,
      [PREFILL],
    );
    await db.query(
      `CREATE INDEX messages_search_idx ON messages USING gin (room_id, content gin_trgm_ops) WITH (${setting})`,
    );
    await db.query('VACUUM ANALYZE messages');
    const latencies = new Histogram();
    let stalls = 0;
    const cpuBefore = cpuSeconds(pid);
    const started = performance.now();
    for (let i = 0; performance.now() - started < SECONDS * 1000; i++) {
      const t = performance.now();
      await db.query({
        name: `insert${n}`,
        text: 'INSERT INTO messages (room_id, content) VALUES ($1, $2)',
        values: [rooms[i % rooms.length], chatLine()],
      });
      const took = performance.now() - t;
      latencies.record(took);
      if (took > 20) stalls++;
      const wait = started + ((i + 1) * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const cpuPerInsertUs = ((cpuSeconds(pid) - cpuBefore) * 1e6) / latencies.n;
    const { p50, p99, p999, max } = latencies.summary();
    const ms = (v) => v.toFixed(2);
    console.log(
      `${setting.padEnd(48)} p50 ${ms(p50)}  p99 ${ms(p99)}  p999 ${ms(p999)}  max ${ms(max)} ms;  > 20 ms: ${stalls} of ${latencies.n};  backend CPU ${cpuPerInsertUs.toFixed(0)} µs/insert`,
    );
  }
} finally {
  await db.end().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.end();
}

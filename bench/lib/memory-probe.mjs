// Preloaded (`node --expose-gc --import`) into the server processes of a bench run. Product code is
// untouched. On SIGWINCH (ignored by any process without this hook) it runs a full GC and writes
// process.memoryUsage() to $BENCH_MEM_DIR/<BENCH_PROC_NAME>-<pid>.json, so "RSS before/after N
// connections" compares live memory, not whatever garbage the next GC happens to reclaim.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.BENCH_MEM_DIR;
if (dir && typeof globalThis.gc === 'function') {
  process.on('SIGWINCH', () => {
    globalThis.gc();
    globalThis.gc(); // the second pass collects what the first one's finalizers released
    const file = path.join(dir, `${process.env.BENCH_PROC_NAME ?? 'node'}-${process.pid}.json`);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ at: Date.now(), ...process.memoryUsage() }));
    fs.renameSync(`${file}.tmp`, file);
  });
}

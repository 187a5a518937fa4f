import { randomFillSync } from 'node:crypto';

/**
 * Random bytes drawn from the system in blocks and handed out a few at a time: a system call per
 * id was 5 % of the room and history services' CPU under load (each message needs several ids),
 * and Node's own randomUUID keeps the same kind of cache. Every byte is handed out once. The
 * result is a view into the pool: read it at once, it is overwritten when the pool is refilled.
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;

export function pooledRandomBytes(size: number): Buffer {
  if (size > 64) throw new RangeError('pooledRandomBytes hands out at most 64 bytes');
  if (offset + size > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + size);
  offset += size;
  return bytes;
}

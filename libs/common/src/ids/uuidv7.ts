import { pooledRandomBytes } from './random-pool';

let lastMs = 0;
let lastSeq = 0;

/**
 * RFC 9562 UUIDv7: 48-bit Unix ms, then 74 random bits. Sorts by creation time, and the random
 * part makes ids unguessable. Within one millisecond a 12-bit counter keeps this process's ids
 * monotonic.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = pooledRandomBytes(16);
  let ms = now;
  if (ms <= lastMs) {
    ms = lastMs;
    lastSeq = (lastSeq + 1) & 0xfff;
    if (lastSeq === 0) ms = ++lastMs;
  } else {
    lastSeq = bytes[6] & 0x07; // start low so the counter rarely overflows
  }
  lastMs = ms;
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | ((lastSeq >>> 8) & 0x0f);
  bytes[7] = lastSeq & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

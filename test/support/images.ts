import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * An 8-bit RGB PNG from its scanlines (each a filter byte, 0, then width × 3 bytes), made
 * without an image library. `level`: the deflate level (1 keeps noise pictures quick to make).
 */
export function encodeRgbPng(width: number, height: number, scanlines: Buffer, level?: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(scanlines, level === undefined ? {} : { level })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A real RGB PNG of width × height: a diagonal gradient in the given hue, so screenshots show a
 * picture rather than a flat square. Browsers decode it.
 */
export function makePng(
  width: number,
  height: number,
  tint: [number, number, number] = [255, 140, 60],
): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const t = (x + y) / (width + height);
      row[1 + x * 3] = Math.round(tint[0] * (1 - t) + 40 * t);
      row[2 + x * 3] = Math.round(tint[1] * (1 - t) + 90 * t);
      row[3 + x * 3] = Math.round(tint[2] * (1 - t) + 200 * t);
    }
    rows.push(row);
  }
  return encodeRgbPng(width, height, Buffer.concat(rows));
}

/** A GIF89a header (logical screen width × height) with a minimal body. */
export function makeGifHeader(width: number, height: number): Buffer {
  const head = Buffer.alloc(13);
  head.write('GIF89a', 0, 'latin1');
  head.writeUInt16LE(width, 6);
  head.writeUInt16LE(height, 8);
  return Buffer.concat([head, Buffer.from([0x3b])]);
}

/**
 * A picture that hardly compresses: a sunset (sky gradient, a sun, the sea) with grain of
 * `grain` levels per channel, so its size stays near width × height × 3 × (bits of grain / 8)
 * and an upload of it takes a while under throttling. grain 255 is pure noise.
 */
export function makeNoisePng(width: number, height: number, seed = 1, grain = 48): Buffer {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0xffffffff;
  };
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  const rows: Buffer[] = [];
  const horizon = height * 0.62;
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let px = 0; px < width; px++) {
      let rgb: [number, number, number];
      const sun = Math.hypot(px - width * 0.5, y - horizon) < height * 0.16;
      if (y < horizon) {
        const t = y / horizon;
        rgb = sun ? [255, 236, 170] : [70 + 185 * t, 60 + 90 * t, 150 - 60 * t];
      } else {
        const t = (y - horizon) / (height - horizon);
        const glow = Math.max(0, 1 - Math.abs(px - width * 0.5) / (width * 0.12)) * (1 - t);
        rgb = [40 + 150 * glow, 50 + 110 * glow, 110 - 40 * t + 40 * glow];
      }
      for (let i = 0; i < 3; i++) row[1 + px * 3 + i] = clamp(rgb[i] + (next() - 0.5) * grain);
    }
    rows.push(row);
  }
  return encodeRgbPng(width, height, Buffer.concat(rows), 1);
}

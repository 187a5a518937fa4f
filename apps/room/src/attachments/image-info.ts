import type { AttachmentContentType } from '@app/contracts';

export interface ImageInfo {
  mimeType: AttachmentContentType;
  /** Pixels, when the header says and the values are sane; undefined otherwise. */
  width?: number;
  height?: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const DIMENSION_MAX = 100_000;

const sane = (w: number, h: number): { width?: number; height?: number } =>
  w >= 1 && h >= 1 && w <= DIMENSION_MAX && h <= DIMENSION_MAX ? { width: w, height: h } : {};

/**
 * What the bytes are, by their magic numbers and the first structure after them, whatever the
 * uploader called them (a text file named cat.png is not an image), plus the size in pixels when
 * the header gives it cheaply. Null for anything that is not a PNG, JPEG, GIF or WebP.
 */
export function inspectImage(data: Buffer): ImageInfo | null {
  if (data.length >= 24 && data.subarray(0, 8).equals(PNG_SIGNATURE)) {
    // The first chunk of every PNG is IHDR: width and height, big-endian.
    if (data.toString('latin1', 12, 16) !== 'IHDR') return null;
    return { mimeType: 'image/png', ...sane(data.readUInt32BE(16), data.readUInt32BE(20)) };
  }
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) {
    if (data[3] < 0xc0) return null;
    return { mimeType: 'image/jpeg', ...jpegSize(data) };
  }
  if (data.length >= 10 && /^GIF8[79]a$/.test(data.toString('latin1', 0, 6))) {
    return { mimeType: 'image/gif', ...sane(data.readUInt16LE(6), data.readUInt16LE(8)) };
  }
  if (
    data.length >= 16 &&
    data.toString('latin1', 0, 4) === 'RIFF' &&
    data.toString('latin1', 8, 12) === 'WEBP'
  ) {
    const chunk = data.toString('latin1', 12, 16);
    if (chunk === 'VP8X') {
      if (data.length < 30) return { mimeType: 'image/webp' };
      return { mimeType: 'image/webp', ...sane(data.readUIntLE(24, 3) + 1, data.readUIntLE(27, 3) + 1) };
    }
    if (chunk === 'VP8 ') {
      // Key frame start code 9d 01 2a, then 14-bit width and height.
      if (data.length < 30 || data[23] !== 0x9d || data[24] !== 0x01 || data[25] !== 0x2a) {
        return { mimeType: 'image/webp' };
      }
      return {
        mimeType: 'image/webp',
        ...sane(data.readUInt16LE(26) & 0x3fff, data.readUInt16LE(28) & 0x3fff),
      };
    }
    if (chunk === 'VP8L') {
      if (data.length < 25 || data[20] !== 0x2f) return { mimeType: 'image/webp' };
      const bits = data.readUInt32LE(21);
      return { mimeType: 'image/webp', ...sane((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1) };
    }
    return null;
  }
  return null;
}

/** Walk the marker segments to the first start-of-frame; give up quietly on anything odd. */
function jpegSize(data: Buffer): { width?: number; height?: number } {
  let i = 2;
  while (i + 9 < data.length) {
    if (data[i] !== 0xff) return {};
    const marker = data[i + 1];
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    // Markers without a length.
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const length = data.readUInt16BE(i + 2);
    if (length < 2) return {};
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return sane(data.readUInt16BE(i + 7), data.readUInt16BE(i + 5));
    if (marker === 0xda || marker === 0xd9) return {};
    i += 2 + length;
  }
  return {};
}

/**
 * A file name safe to show and to put in a header: the last path part, control and
 * bidirectional-override characters removed, at most `max` characters; `fallback` when nothing
 * is left.
 */
export function cleanFileName(name: string | undefined, fallback: string, max: number): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = Array.from(
    (base as string & { toWellFormed(): string })
      .toWellFormed()
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
      .trim(),
  )
    .slice(0, max)
    .join('')
    .trim();
  return cleaned || fallback;
}

export const EXTENSIONS: Record<AttachmentContentType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

import { createHash } from 'node:crypto';
import type { AvatarContentType } from '@app/contracts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const WEBP_CHUNKS = new Set(['VP8 ', 'VP8L', 'VP8X']);

/**
 * What the bytes are, by their magic numbers (and the first structure after them), whatever the
 * uploader called them: a text file named avatar.png is not an image. Null when none of ours.
 */
export function sniffImageType(data: Buffer): AvatarContentType | null {
  if (data.length >= 16 && data.subarray(0, 8).equals(PNG_SIGNATURE)) {
    // The first chunk of every PNG is IHDR.
    return data.toString('latin1', 12, 16) === 'IHDR' ? 'image/png' : null;
  }
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) {
    // SOI, then a marker segment.
    return data[3] >= 0xc0 ? 'image/jpeg' : null;
  }
  if (
    data.length >= 16 &&
    data.toString('latin1', 0, 4) === 'RIFF' &&
    data.toString('latin1', 8, 12) === 'WEBP' &&
    WEBP_CHUNKS.has(data.toString('latin1', 12, 16))
  ) {
    return 'image/webp';
  }
  return null;
}

/** A strong HTTP validator for the exact bytes. */
export function avatarEtag(data: Buffer): string {
  return `"${createHash('sha256').update(data).digest('base64url').slice(0, 32)}"`;
}

/** Whether an If-None-Match header names this ETag (weak comparison, lists and `*` allowed). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

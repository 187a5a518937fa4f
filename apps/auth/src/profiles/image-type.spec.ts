import { avatarEtag, etagMatches, sniffImageType } from './image-type';
import { JPEG, PNG, TEXT_NAMED_PNG, WEBP } from '../../../../test/auth/images';

describe('sniffImageType', () => {
  it('knows PNG, JPEG and WebP by their bytes', () => {
    expect(sniffImageType(PNG)).toBe('image/png');
    expect(sniffImageType(JPEG)).toBe('image/jpeg');
    expect(sniffImageType(WEBP)).toBe('image/webp');
  });

  it.each([
    ['text', TEXT_NAMED_PNG],
    ['empty', Buffer.alloc(0)],
    ['a bare PNG signature', PNG.subarray(0, 8)],
    ['a PNG signature without IHDR', Buffer.concat([PNG.subarray(0, 12), Buffer.from('tEXt')])],
    ['a WAV file', Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1')],
    ['GIF', Buffer.from('GIF89a\x01\0\x01\0\0\0\0', 'latin1')],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['a JPEG SOI alone', Buffer.from([0xff, 0xd8, 0xff, 0x00])],
  ])('refuses %s', (_label, bytes) => {
    expect(sniffImageType(bytes)).toBeNull();
  });
});

describe('etags', () => {
  it('are strong, quoted, and change with the bytes', () => {
    expect(avatarEtag(PNG)).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(avatarEtag(PNG)).not.toBe(avatarEtag(JPEG));
  });

  it('match If-None-Match lists, weak forms and *', () => {
    const etag = avatarEtag(PNG);
    expect(etagMatches(etag, etag)).toBe(true);
    expect(etagMatches(`"x", W/${etag}`, etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagMatches('"other"', etag)).toBe(false);
    expect(etagMatches(undefined, etag)).toBe(false);
  });
});

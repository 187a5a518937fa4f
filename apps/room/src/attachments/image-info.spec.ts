import { deflateSync } from 'node:zlib';
import { cleanFileName, inspectImage } from './image-info';

function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(13);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    len,
    Buffer.from('IHDR', 'latin1'),
    ihdr,
    Buffer.alloc(4),
    deflateSync(Buffer.alloc(10)),
  ]);
}

/** A baseline JPEG: SOI, an APP0 segment, then SOF0 with height and width. */
function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.concat([
    Buffer.from([0xff, 0xe0, 0x00, 0x10]),
    Buffer.from('JFIF\0', 'latin1'),
    Buffer.alloc(9),
  ]);
  const sof = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
  ]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.alloc(12), Buffer.from([0xff, 0xd9])]);
}

function riff(chunk: string, body: Buffer): Buffer {
  const payload = Buffer.concat([
    Buffer.from('WEBP', 'latin1'),
    Buffer.from(chunk, 'latin1'),
    Buffer.alloc(4),
    body,
  ]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(payload.length);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), size, payload]);
}

describe('inspectImage', () => {
  it('recognises PNG, JPEG, GIF and WebP by their bytes and reads their size from the header', () => {
    expect(inspectImage(png(640, 480))).toEqual({ mimeType: 'image/png', width: 640, height: 480 });
    expect(inspectImage(jpeg(1024, 768))).toEqual({ mimeType: 'image/jpeg', width: 1024, height: 768 });
    const gif = Buffer.concat([
      Buffer.from('GIF89a', 'latin1'),
      Buffer.from([0x20, 0x00, 0x10, 0x00]),
      Buffer.alloc(4),
    ]);
    expect(inspectImage(gif)).toEqual({ mimeType: 'image/gif', width: 32, height: 16 });
    // VP8X: canvas width-1 and height-1 in 24 bits each.
    const vp8x = Buffer.alloc(10);
    vp8x.writeUIntLE(799, 4, 3);
    vp8x.writeUIntLE(599, 7, 3);
    expect(inspectImage(riff('VP8X', vp8x))).toEqual({ mimeType: 'image/webp', width: 800, height: 600 });
    // VP8L: signature 0x2f, then 14 bits each of width-1 and height-1.
    const vp8l = Buffer.alloc(5);
    vp8l[0] = 0x2f;
    vp8l.writeUInt32LE((100 - 1) | ((50 - 1) << 14), 1);
    expect(inspectImage(riff('VP8L', vp8l))).toEqual({ mimeType: 'image/webp', width: 100, height: 50 });
    // VP8 (lossy): frame tag, start code, 14-bit width and height.
    const vp8 = Buffer.from([0, 0, 0, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]);
    expect(inspectImage(riff('VP8 ', vp8))).toEqual({ mimeType: 'image/webp', width: 320, height: 240 });
  });

  it('refuses what only looks like an image: text named .png, SVG, HTML, truncated headers, empty', () => {
    for (const bytes of [
      Buffer.from('hello, I am definitely a picture\n'),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      Buffer.from('<!doctype html><script>alert(1)</script>'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from([0xff, 0xd8, 0xff, 0x00]),
      Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.alloc(4), Buffer.from('WAVEfmt ', 'latin1')]),
      Buffer.alloc(0),
    ]) {
      expect(inspectImage(bytes)).toBeNull();
    }
  });

  it('leaves the size out when the header is nonsense or missing, keeping the type', () => {
    expect(inspectImage(png(0, 480))).toEqual({ mimeType: 'image/png' });
    expect(inspectImage(png(1_000_000, 10))).toEqual({ mimeType: 'image/png' });
    const noFrame = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0]),
      Buffer.alloc(20),
    ]);
    expect(inspectImage(noFrame)).toEqual({ mimeType: 'image/jpeg' });
  });
});

describe('cleanFileName', () => {
  it('keeps the last path part, drops control and bidi-override characters, and cuts to the limit', () => {
    expect(cleanFileName('../../etc/고양이.png', 'image.png', 200)).toBe('고양이.png');
    expect(cleanFileName('C:\\Users\\me\\cat.jpg', 'image.jpg', 200)).toBe('cat.jpg');
    expect(cleanFileName('evil\u202Egnp.exe', 'image.png', 200)).toBe('evilgnp.exe');
    expect(cleanFileName('a\r\nX-Injected: 1.png', 'x', 200)).toBe('aX-Injected: 1.png');
    expect(cleanFileName('😀'.repeat(300), 'x', 200)).toBe('😀'.repeat(200));
    expect(cleanFileName('   ', 'image.gif', 200)).toBe('image.gif');
    expect(cleanFileName(undefined, 'image.webp', 200)).toBe('image.webp');
    expect(cleanFileName('\uD800broken.png', 'x', 200)).toBe('\uFFFDbroken.png');
  });
});

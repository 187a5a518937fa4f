import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readZip } from '../../../../test/history/zip';
import { ExportArchive } from './export-archive';
import { dayFilePath, toChatEntry } from './export-format';

const roomId = '0190f5c2-7c1a-7000-8000-000000000001';
const senderId = '0190f5c2-7c1a-7000-8000-000000000002';

/** A reader that takes its time, so the archive has to wait for it. */
function slowSink(chunks: Buffer[]): Writable {
  return new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      setImmediate(done);
    },
  });
}

describe('ExportArchive', () => {
  it('writes session_info.json and one file per UTC day, in the original spec’s shape', async () => {
    const archive = new ExportArchive({ roomId, roomName: '행복한 채팅', creatorId: senderId });
    const chunks: Buffer[] = [];
    const done = pipeline(archive.output, slowSink(chunks));
    // 50 hours over three UTC days, in pages, with enough text that the reader falls behind.
    const start = Date.parse('2026-01-30T22:00:00Z');
    const messages = Array.from({ length: 3000 }, (_, i) => ({
      senderId,
      createdAt: new Date(start + i * 60_000).toISOString(),
      kind: i % 100 === 0 ? 'system' : 'text',
      content: `메시지 ${i} ${'😀'.repeat(i % 7)} "quoted" \\ back`,
    }));
    for (let i = 0; i < messages.length; i += 1000) await archive.add(messages.slice(i, i + 1000));
    await archive.finish();
    await done;

    const files = readZip(Buffer.concat(chunks));
    expect(JSON.parse(files.get(`${roomId}/session_info.json`)?.toString() ?? '')).toEqual({
      session_id: roomId,
      session_name: '행복한 채팅',
      creator_id: senderId,
    });
    const dayFiles = [...files.keys()].filter((k) => !k.endsWith('session_info.json'));
    expect(dayFiles).toEqual([
      `${roomId}/2026/01/30.json`,
      `${roomId}/2026/01/31.json`,
      `${roomId}/2026/02/01.json`,
    ]);
    const chat = dayFiles.flatMap(
      (f) => (JSON.parse(files.get(f)?.toString() ?? '') as { chat: unknown[] }).chat,
    );
    expect(chat).toEqual(messages.map(toChatEntry));
    expect(Buffer.from((chat[5] as { content: string }).content, 'base64').toString()).toBe(
      messages[5].content,
    );
    for (const m of messages.slice(0, 200))
      expect(dayFilePath(roomId, m.createdAt)).toMatch(/\d{4}\/\d\d\/\d\d\.json$/);
    expect({ messages: archive.messages, days: archive.days }).toEqual({ messages: 3000, days: 3 });
  });

  it('writes an empty room as session_info.json alone', async () => {
    const archive = new ExportArchive({ roomId, roomName: 'empty', creatorId: senderId });
    const chunks: Buffer[] = [];
    const done = pipeline(archive.output, slowSink(chunks));
    await archive.add([]);
    await archive.finish();
    await done;
    expect([...readZip(Buffer.concat(chunks)).keys()]).toEqual([`${roomId}/session_info.json`]);
  });

  it('stops adding once aborted', async () => {
    const archive = new ExportArchive({ roomId, roomName: 'x', creatorId: senderId });
    archive.output.resume();
    archive.abort();
    await expect(
      archive.add([{ senderId, createdAt: new Date(), kind: 'text', content: 'x' }]),
    ).rejects.toThrow('aborted');
  });
});

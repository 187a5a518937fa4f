import { Writable } from 'node:stream';
import { coalesceWrites } from './amqp-connection';

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('coalesceWrites', () => {
  it('sends what is written in one turn of the event loop in one writev, in order', async () => {
    const calls: string[][] = [];
    const socket = new Writable({
      write(chunk: Buffer, _enc, cb) {
        calls.push([chunk.toString()]);
        cb();
      },
      writev(chunks, cb) {
        calls.push(chunks.map((c) => (c.chunk as Buffer).toString()));
        cb();
      },
    });
    coalesceWrites(socket);
    socket.write(Buffer.from('a'));
    socket.write(Buffer.from('b'));
    await Promise.resolve();
    socket.write(Buffer.from('c'));
    expect(calls).toEqual([]);
    await nextTurn();
    expect(calls).toEqual([['a', 'b', 'c']]);
    socket.write(Buffer.from('d'));
    await nextTurn();
    expect(calls).toEqual([['a', 'b', 'c'], ['d']]);
  });
});

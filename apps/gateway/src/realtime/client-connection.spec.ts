import { once } from 'node:events';
import { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { AccessClaims } from '@app/common';
import { ClientConnection } from './client-connection';

const LIMITS = { maxBufferedBytes: 1 << 20, framesPerSecond: 100, burst: 100 };

/** A real `ws` pair on loopback: the server side wrapped as the gateway wraps it. */
describe('ClientConnection: frames of one turn leave in one write', () => {
  let wss: WebSocketServer;
  let client: WebSocket;
  let conn: ClientConnection;
  let writes: number;
  const received: string[] = [];

  beforeAll(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const accepted = once(wss, 'connection');
    client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    client.on('message', (data, isBinary) => received.push(isBinary ? 'binary' : data.toString()));
    const [server] = (await accepted) as [WebSocket];
    await once(client, 'open');
    conn = new ClientConnection('c1', { sub: 'u1' } as AccessClaims, server, LIMITS);
    // Count what reaches the kernel: each _writev/_write of the socket is one system call.
    type Write = (...args: unknown[]) => unknown;
    const socket = (server as unknown as { _socket: Socket & { _writev: Write; _write: Write } })._socket;
    const [writev, write] = [socket._writev.bind(socket), socket._write.bind(socket)];
    socket._writev = (...args: unknown[]) => (writes++, writev(...args));
    socket._write = (...args: unknown[]) => (writes++, write(...args));
  });

  afterAll(async () => {
    client.terminate();
    await new Promise((r) => wss.close(r));
  });

  beforeEach(() => {
    writes = 0;
    received.length = 0;
  });

  it('sends three frames of one turn in one write, in order, each a text frame', async () => {
    conn.sendRaw(Buffer.from('{"n":1}'));
    conn.sendRaw('{"n":2}');
    conn.sendRaw(Buffer.from('{"n":3}'));
    expect(writes).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(writes).toBe(1);
    while (received.length < 3) await once(client, 'message');
    expect(received).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  it('frames of separate turns go out separately', async () => {
    conn.sendRaw('{"n":4}');
    await new Promise((r) => setImmediate(r));
    conn.sendRaw('{"n":5}');
    await new Promise((r) => setImmediate(r));
    expect(writes).toBe(2);
    while (received.length < 2) await once(client, 'message');
    expect(received).toEqual(['{"n":4}', '{"n":5}']);
  });
});

#!/usr/bin/env node
// A gateway's CPU per delivery when it fans one broker event out to the sockets of a room: the
// event sent as a string (re-measured and re-encoded for every socket) against the same event
// sent as the bytes it arrived in (a text frame). Both in the same run, alternating.
//
//   node bench/fanout-frames.mjs [--sockets=200] [--room-size=20] [--rate=1000] [--seconds=4] [--rounds=4]
//
// The sockets' client ends live in a child process, so this process's CPU (process.cpuUsage) is
// the sending side only. Loopback only; stops by itself.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';
import { positiveNumber } from './lib/args.mjs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sockets: { type: 'string', default: '200' },
    'room-size': { type: 'string', default: '20' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '4' },
  },
});
const SOCKETS = positiveNumber('sockets', opts.sockets);

if (positionals[0] === 'clients') {
  const port = Number(positionals[1]);
  for (let i = 0; i < SOCKETS; i++) new WebSocket(`ws://127.0.0.1:${port}`).on('message', () => undefined);
  process.on('disconnect', () => process.exit(0));
} else {
  const ROOM_SIZE = positiveNumber('room-size', opts['room-size']);
  const RATE = positiveNumber('rate', opts.rate);
  const SECONDS = positiveNumber('seconds', opts.seconds);
  const ROUNDS = positiveNumber('rounds', opts.rounds);
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  const conns = [];
  wss.on('connection', (ws) => conns.push(ws));
  const clients = fork(fileURLToPath(import.meta.url), ['clients', String(wss.address().port), `--sockets=${SOCKETS}`]);
  const deadline = Date.now() + 30_000;
  while (conns.length < SOCKETS) {
    if (Date.now() > deadline) throw new Error(`only ${conns.length} of ${SOCKETS} sockets connected`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // A message.created as the history service publishes it, about the size of the bench's.
  const text = JSON.stringify({
    type: 'message.created',
    v: 1,
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    message: {
      id: randomUUID(),
      roomId: randomUUID(),
      seq: 12345,
      senderId: randomUUID(),
      clientMsgId: randomUUID(),
      kind: 'text',
      content: '안녕하세요 👋 a chat message of an ordinary length',
      createdAt: new Date().toISOString(),
    },
  });
  const bytes = Buffer.from(text);
  const rooms = Math.floor(SOCKETS / ROOM_SIZE);
  const TICK_MS = 20;
  const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000));

  const measure = async (kind) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let deliveries = 0;
    let event = 0;
    while (performance.now() - t0 < SECONDS * 1000) {
      for (let e = 0; e < perTick; e++, event++) {
        const first = (event % rooms) * ROOM_SIZE;
        for (let i = first; i < first + ROOM_SIZE; i++) {
          if (kind === 'string') conns[i].send(text);
          else conns[i].send(bytes, { binary: false });
        }
        deliveries += ROOM_SIZE;
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    const cpu = process.cpuUsage(cpu0);
    return { kind, deliveries, usPerDelivery: (cpu.user + cpu.system) / deliveries };
  };

  const rows = [];
  for (let round = 0; round < ROUNDS; round++) {
    rows.push(await measure('string'));
    rows.push(await measure('bytes'));
  }
  console.table(rows.map((r) => ({ ...r, usPerDelivery: r.usPerDelivery.toFixed(2) })));
  const mean = (kind) => {
    const xs = rows.filter((r) => r.kind === kind).map((r) => r.usPerDelivery);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  console.log(
    `bytes / string = ${(mean('bytes') / mean('string')).toFixed(3)} ` +
      `(${mean('string').toFixed(2)} → ${mean('bytes').toFixed(2)} µs of CPU per delivery)`,
  );
  clients.disconnect();
  clients.kill();
  wss.close();
}

#!/usr/bin/env node
// Baseline 1, the floor: a bare `ws` server broadcasting to in-memory rooms. No broker, no
// storage, no auth. It speaks the same frames as Happy Chat (message.send -> message.created to
// every member including the sender, then message.ack; ping -> pong), so the generator and the
// bytes on the wire are the same and only the server differs.
//
//   PORT=0 node bench/baselines/ws-server.mjs        (prints "listening <port>")
//   ws://127.0.0.1:<port>/ws?user=<id>&rooms=<roomId>,<roomId>
//
// BENCH_FAULT=drop:<p> | dup:<p> | delay:<ms> drops or doubles a delivery with probability p, or
// holds every broadcast for ms: the harness's own tests use them to prove it sees each fault.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 0);
const [faultKind, faultP] = (process.env.BENCH_FAULT ?? '').split(':');
const faultProbability = Number(faultP ?? 0);

const rooms = new Map(); // roomId -> { members: Set<ws>, seq }
let connections = 0;

const server = http.createServer((req, res) => {
  if (req.url === '/health/ready' || req.url === '/health/live') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', connections }));
  } else {
    res.writeHead(404).end();
  }
});

const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, maxPayload: 512 * 1024 });

wss.on('connection', (ws, req) => {
  const url = new URL(req.url, 'http://x');
  const userId = url.searchParams.get('user') ?? randomUUID();
  const joined = (url.searchParams.get('rooms') ?? '').split(',').filter(Boolean);
  connections++;
  for (const roomId of joined) {
    let room = rooms.get(roomId);
    if (!room) rooms.set(roomId, (room = { members: new Set(), seq: 0 }));
    room.members.add(ws);
  }
  ws.on('close', () => {
    connections--;
    for (const roomId of joined) rooms.get(roomId)?.members.delete(ws);
  });
  ws.on('message', (data) => {
    let frame;
    try {
      frame = JSON.parse(data.toString('utf8'));
    } catch {
      ws.send('{"type":"error","code":"gateway.malformed_frame","message":"not JSON"}');
      return;
    }
    if (frame.type === 'ping') {
      ws.send(JSON.stringify({ type: 'pong', id: frame.id }));
      return;
    }
    if (frame.type !== 'message.send') return;
    const room = rooms.get(frame.roomId);
    if (!room || !room.members.has(ws)) {
      ws.send(
        JSON.stringify({ type: 'error', id: frame.id, code: 'room.not_member', message: 'not a member' }),
      );
      return;
    }
    const now = new Date().toISOString();
    const message = {
      id: randomUUID(),
      roomId: frame.roomId,
      seq: ++room.seq,
      senderId: userId,
      kind: 'text',
      content: frame.content,
      clientMsgId: frame.clientMsgId,
      createdAt: now,
    };
    const created = JSON.stringify({
      type: 'message.created',
      v: 1,
      eventId: randomUUID(),
      occurredAt: now,
      message,
    });
    const ack = JSON.stringify({ type: 'message.ack', id: frame.id, message, duplicate: false });
    const broadcast = () => {
      for (const member of room.members) {
        if (faultKind !== 'delay' && faultProbability > 0 && Math.random() < faultProbability) {
          if (faultKind === 'drop') continue;
          if (faultKind === 'dup') member.send(created);
        }
        member.send(created);
      }
      ws.send(ack);
    };
    if (faultKind === 'delay') setTimeout(broadcast, faultProbability);
    else broadcast();
  });
  ws.send(JSON.stringify({ type: 'hello', protocol: 'baseline.ws', userId, heartbeatIntervalMs: 25000 }));
});

server.listen(port, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

#!/usr/bin/env node
// Baseline 2: what a small team would write with Socket.IO rooms. Same frames as Happy Chat,
// carried as Socket.IO events: `message.send` -> `message.created` to the room (sender
// included), then `message.ack`; no broker, no storage, no auth. WebSocket transport only.
//
//   PORT=0 node bench/baselines/socketio-server.mjs   (prints "listening <port>")
//   io('http://127.0.0.1:<port>', { transports: ['websocket'], query: { user, rooms: 'a,b' } })
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 0);
const seqs = new Map(); // roomId -> last seq

const server = http.createServer((req, res) => {
  if (req.url === '/health/ready' || req.url === '/health/live') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', connections: io.engine.clientsCount }));
  }
  // Anything else is Socket.IO's (it attaches its own request listener).
});

const io = new Server(server, {
  transports: ['websocket'],
  serveClient: false,
  maxHttpBufferSize: 512 * 1024,
});

io.on('connection', (socket) => {
  const userId = String(socket.handshake.query.user ?? randomUUID());
  const joined = String(socket.handshake.query.rooms ?? '')
    .split(',')
    .filter(Boolean);
  socket.join(joined);
  socket.on('message.send', (frame) => {
    if (!frame || !socket.rooms.has(frame.roomId)) {
      socket.emit('message.error', { id: frame?.id, code: 'room.not_member', message: 'not a member' });
      return;
    }
    const seq = (seqs.get(frame.roomId) ?? 0) + 1;
    seqs.set(frame.roomId, seq);
    const now = new Date().toISOString();
    const message = {
      id: randomUUID(),
      roomId: frame.roomId,
      seq,
      senderId: userId,
      kind: 'text',
      content: frame.content,
      clientMsgId: frame.clientMsgId,
      createdAt: now,
    };
    io.to(frame.roomId).emit('message.created', {
      type: 'message.created',
      v: 1,
      eventId: randomUUID(),
      occurredAt: now,
      message,
    });
    socket.emit('message.ack', { type: 'message.ack', id: frame.id, message, duplicate: false });
  });
  socket.emit('hello', { type: 'hello', protocol: 'baseline.socketio', userId, heartbeatIntervalMs: 25000 });
});

server.listen(port, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
const stop = () => {
  io.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

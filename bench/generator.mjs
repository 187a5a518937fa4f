#!/usr/bin/env node
// The load generator: a separate process driven by bench/run.mjs over IPC. It holds one socket
// per user, sends `message.send` on an open-loop schedule, and accounts for every delivery.
//
// Measurement:
// - Open loop: send j of a step is due at t0 + j / (users * rate) and is sent when due, whatever
//   came back. Its content embeds the step, a per-step message index and the DUE time in
//   microseconds of this process's monotonic clock (`B<step>.<idx>.<dueUs> ...`), so latency is
//   measured from when the message should have left (generator lag counts against the system
//   and is reported separately as `sendLag`, so a slow generator is visible).
// - Every room's members live in the same generator process, so one clock measures both ends.
// - Per message, one bit per room member: a second arrival at the same member is a duplicate; a
//   missing arrival after the drain is a loss; an arrival at a non-member is misrouted.
//
// Commands (process.send from the parent): connect, step, close. Replies carry the request id.
import WebSocket from 'ws';
import { io as ioClient } from 'socket.io-client';
import { Histogram } from './lib/histogram.mjs';

const GEN = process.env.GEN_ID ?? '0';
const TAG = process.env.RUN_TAG ?? 'run';
const PADDING = ' the quick brown fox jumps over the lazy dog 0123456789 안녕하세요 👋'; // ~70 chars of real text
const HC_PROTOCOL = 'happychat.v1';
const HC_TOKEN_PREFIX = 'access_token.';

let system = null; // 'happychat' | 'ws' | 'socketio'
let users = []; // { id, token, roomPos: Map<roomIdx, pos>, rooms: [{roomIdx, workload}], conn }
let rooms = []; // { id, size, workload }
let current = null; // the step being measured
let lateFromEarlier = 0;
let pingsSent = 0;
let pongs = 0;
const closes = {}; // close code -> count (any close during a run is a failure signal)
const otherFrames = {};
let heartbeatTimer = null;
// --readers: each socket marks its rooms read as the web client does (see below).
let readers = false;
let readsSent = 0;
let readIntervalMs = 2000;
const READ_DWELL_MS = 500;

// ---------------------------------------------------------------- receiving

function onCreatedContent(user, content) {
  const now = performance.now();
  // content = "B<step>.<idx>.<dueUs> ..."
  const end = content.indexOf(' ');
  const [stepStr, idxStr, dueStr] = content.slice(1, end).split('.');
  const s = current;
  const step = Number(stepStr);
  if (!s || step !== s.step) {
    lateFromEarlier++;
    return;
  }
  const idx = Number(idxStr);
  const roomIdx = s.msgRoom[idx];
  const pos = user.roomPos.get(roomIdx);
  if (pos === undefined) {
    s.misrouted++;
    return;
  }
  if (pos === s.msgSender[idx]) {
    s.selfEcho++;
    return;
  }
  const byte = idx * s.bytesPerMsg + (pos >> 3);
  const bit = 1 << (pos & 7);
  if (s.seen[byte] & bit) {
    s.dup++;
    return;
  }
  s.seen[byte] |= bit;
  s.delivered++;
  s.lastDeliveryAt = now;
  s.hist.record(now - Number(dueStr) / 1000);
}

function onAck(id, errorCode) {
  const s = current;
  const dot = id.indexOf('.');
  if (!s || Number(id.slice(0, dot)) !== s.step) return;
  const idx = Number(id.slice(dot + 1));
  if (s.ackState[idx] !== 0) {
    s.ackDup++;
    return;
  }
  s.ackState[idx] = errorCode ? 2 : 1;
  s.acksResolved++;
  if (errorCode) s.ackErrors[errorCode] = (s.ackErrors[errorCode] ?? 0) + 1;
  else s.ackHist.record(performance.now() - s.msgDue[idx]);
}

const CONTENT_KEY = '"content":"';

/** Happy Chat and the ws baseline: raw text frames, parsed only as far as needed. */
function onText(user, text) {
  if (text.startsWith('{"type":"message.created"')) {
    const at = text.indexOf(CONTENT_KEY);
    if (at >= 0 && text.charCodeAt(at + CONTENT_KEY.length) === 66 /* B */) {
      onCreatedContent(user, text.slice(at + CONTENT_KEY.length, at + CONTENT_KEY.length + 48));
      if (readers) sawMessage(user, text);
      return;
    }
  }
  if (text.startsWith('{"type":"message.ack","id":"')) {
    onAck(text.slice(28, text.indexOf('"', 28)));
    return;
  }
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    otherFrames['<not json>'] = (otherFrames['<not json>'] ?? 0) + 1;
    return;
  }
  if (frame.type === 'message.created' && frame.message?.content?.startsWith('B'))
    onCreatedContent(user, frame.message.content);
  else if (frame.type === 'message.ack') onAck(frame.id);
  else if (frame.type === 'error' && frame.id && !frame.id.startsWith('p')) onAck(frame.id, frame.code);
  else if (frame.type === 'pong') pongs++;
  else otherFrames[frame.type] = (otherFrames[frame.type] ?? 0) + 1;
}

const ROOM_KEY = '"roomId":"';
const SEQ_KEY = '"seq":';

/**
 * The web client's read marking (apps/web/src/state/reads.ts), for a reader who keeps the room
 * open at the bottom: a wait ends with the newest seq shown for half a second, what came since
 * waits for the next one, and a room's reads go at most every `readIntervalMs`.
 */
function sawMessage(user, text) {
  const r = text.indexOf(ROOM_KEY);
  const q = text.indexOf(SEQ_KEY);
  if (r < 0 || q < 0) return;
  const roomId = text.slice(r + ROOM_KEY.length, r + ROOM_KEY.length + 36);
  const seq = parseInt(text.slice(q + SEQ_KEY.length, q + SEQ_KEY.length + 16), 10);
  const waits = (user.readWaits ??= new Map());
  const wait = waits.get(roomId);
  if (!wait) startReadWait(user, roomId, seq, performance.now());
  else if (seq > wait.newest) {
    wait.newest = seq;
    wait.newestAt = performance.now();
  }
}

function startReadWait(user, roomId, seq, shownSince) {
  const lastSent = (user.readsSentAt ??= new Map());
  const due = Math.max(shownSince + READ_DWELL_MS, (lastSent.get(roomId) ?? -Infinity) + readIntervalMs);
  user.readWaits.set(roomId, { seq, newest: seq, newestAt: shownSince });
  setTimeout(() => endReadWait(user, roomId), Math.max(0, due - performance.now()));
}

function endReadWait(user, roomId) {
  const wait = user.readWaits.get(roomId);
  user.readWaits.delete(roomId);
  if (!wait || user.closing || user.conn?.ws?.readyState !== WebSocket.OPEN) return;
  const now = performance.now();
  const upTo = now - wait.newestAt >= READ_DWELL_MS ? wait.newest : wait.seq;
  user.conn.ws.send(`{"type":"read","roomId":"${roomId}","seq":${upTo}}`);
  readsSent++;
  user.readsSentAt.set(roomId, now);
  if (wait.newest > upTo) startReadWait(user, roomId, wait.newest, wait.newestAt);
}

// ---------------------------------------------------------------- connecting

function connectOne(user, target) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no hello within 30 s')), 30_000);
    const fail = (err) => {
      clearTimeout(timer);
      reject(err);
    };
    const roomIds = user.rooms.map((r) => rooms[r.roomIdx].id).join(',');
    if (system === 'socketio') {
      const socket = ioClient(`http://127.0.0.1:${target.port}`, {
        transports: ['websocket'],
        forceNew: true, // one engine per user, as separate devices would have
        reconnection: false,
        query: { user: user.id, rooms: roomIds },
      });
      user.conn = { kind: 'io', socket };
      socket.on('connect_error', fail);
      socket.on('message.created', (f) => onCreatedContent(user, f.message.content));
      socket.on('message.ack', (f) => onAck(f.id));
      socket.on('message.error', (f) => onAck(f.id, f.code));
      socket.on('disconnect', (reason) => {
        if (!user.closing) closes[reason] = (closes[reason] ?? 0) + 1;
      });
      socket.once('hello', () => {
        clearTimeout(timer);
        resolve();
      });
      return;
    }
    const ws =
      system === 'happychat'
        ? new WebSocket(`ws://127.0.0.1:${target.port}/ws`, [HC_PROTOCOL, HC_TOKEN_PREFIX + user.token], {
            perMessageDeflate: false,
          })
        : new WebSocket(
            `ws://127.0.0.1:${target.port}/ws?user=${user.id}&rooms=${encodeURIComponent(roomIds)}`,
            { perMessageDeflate: false },
          );
    user.conn = { kind: 'ws', ws };
    let helloSeen = false;
    ws.on('unexpected-response', (_req, res) => fail(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    ws.on('error', (err) => {
      if (!helloSeen) fail(err);
    });
    ws.on('close', (code) => {
      if (!helloSeen) fail(new Error(`closed ${code} before hello`));
      else if (!user.closing) closes[code] = (closes[code] ?? 0) + 1;
    });
    ws.on('message', (data) => {
      const text = data.toString('utf8');
      if (!helloSeen) {
        if (!text.startsWith('{"type":"hello"')) return onText(user, text);
        helloSeen = true;
        const hb = JSON.parse(text).heartbeatIntervalMs ?? 25_000;
        user.heartbeatMs = hb;
        clearTimeout(timer);
        resolve();
        return;
      }
      onText(user, text);
    });
  });
}

async function connectAll(target, concurrency) {
  const t0 = performance.now();
  let next = 0;
  let failed = 0;
  const errors = {};
  const worker = async () => {
    while (next < users.length) {
      const user = users[next++];
      try {
        await connectOne(user, target);
      } catch (err) {
        failed++;
        errors[err.message] = (errors[err.message] ?? 0) + 1;
        user.conn = null;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (system !== 'socketio') startHeartbeats();
  return { connected: users.length - failed, failed, errors, ms: Math.round(performance.now() - t0) };
}

/** Application-level `ping` per socket each heartbeat interval (Socket.IO has its own). */
function startHeartbeats() {
  let n = 0;
  // Spread the first pings over one interval from now, or every socket whose first ping fell due
  // while the others were still connecting would ping in one burst, and again in step forever.
  const start = performance.now();
  for (const user of users) user.nextPingAt = start + Math.random() * user.heartbeatMs;
  heartbeatTimer = setInterval(() => {
    const now = performance.now();
    for (const user of users) {
      if (!user.conn || user.nextPingAt > now) continue;
      user.nextPingAt = now + user.heartbeatMs;
      if (user.conn.ws.readyState !== WebSocket.OPEN) continue;
      user.conn.ws.send(`{"type":"ping","id":"p${++n}"}`);
      pingsSent++;
    }
  }, 1000);
}

// ---------------------------------------------------------------- sending

function sendMessage(user, roomId, step, idx, dueMs) {
  const content = `B${step}.${idx}.${Math.round(dueMs * 1000)}${PADDING}`;
  const id = `${step}.${idx}`;
  const clientMsgId = `${TAG}.${GEN}.${id}`;
  if (user.conn.kind === 'io') {
    user.conn.socket.emit('message.send', { type: 'message.send', id, roomId, clientMsgId, content });
    return;
  }
  if (user.conn.ws.readyState !== WebSocket.OPEN) return;
  user.conn.ws.send(
    `{"type":"message.send","id":"${id}","roomId":"${roomId}","clientMsgId":"${clientMsgId}","content":${JSON.stringify(content)}}`,
  );
}

/** Deterministic shuffle, so consecutive sends go to different rooms and runs are comparable. */
function shuffled(list, seed) {
  const a = [...list];
  let x = seed || 1;
  for (let i = a.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const j = x % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function runStep({ step, workload, rate, durationMs, drainMs }) {
  const senders = [];
  for (const user of users) {
    if (!user.conn) continue;
    const r = user.rooms.find((x) => x.workload === workload);
    if (r) senders.push({ user, roomIdx: r.roomIdx, pos: user.roomPos.get(r.roomIdx) });
  }
  const S = senders.length;
  const order = shuffled(senders, step * 7919 + 1);
  const perSecond = S * rate;
  const total = Math.floor((perSecond * durationMs) / 1000);
  const maxRoom = Math.max(1, ...rooms.map((r) => r.size));
  const bytesPerMsg = Math.ceil(maxRoom / 8);
  const s = {
    step,
    bytesPerMsg,
    msgRoom: new Int32Array(total),
    msgSender: new Int16Array(total),
    msgDue: new Float64Array(total),
    ackState: new Uint8Array(total),
    seen: new Uint8Array(total * bytesPerMsg),
    hist: new Histogram(),
    ackHist: new Histogram(),
    lagHist: new Histogram(),
    delivered: 0,
    lastDeliveryAt: 0,
    expected: 0,
    dup: 0,
    selfEcho: 0,
    misrouted: 0,
    ackDup: 0,
    acksResolved: 0,
    ackErrors: {},
  };
  const lateBefore = lateFromEarlier;
  const closesBefore = JSON.stringify(closes);
  const pingsBefore = pingsSent;
  const pongsBefore = pongs;
  current = s;
  return new Promise((resolve) => {
    const t0 = performance.now() + 10;
    let sent = 0;
    let sendEnd = t0;
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) * perSecond) / 1000) + 1);
      for (; sent < due; sent++) {
        const dueMs = t0 + (sent * 1000) / perSecond;
        const { user, roomIdx, pos } = order[sent % S];
        s.msgRoom[sent] = roomIdx;
        s.msgSender[sent] = pos;
        s.msgDue[sent] = dueMs;
        s.expected += rooms[roomIdx].size - 1;
        sendMessage(user, rooms[roomIdx].id, step, sent, dueMs);
        s.lagHist.record(performance.now() - dueMs);
      }
      if (sent < total) {
        setTimeout(tick, Math.max(0, Math.min(2, t0 + (sent * 1000) / perSecond - performance.now())));
        return;
      }
      sendEnd = performance.now();
      const drainDeadline = sendEnd + drainMs;
      const drain = () => {
        const done = s.delivered >= s.expected && s.acksResolved >= total;
        if (!done && performance.now() < drainDeadline) return void setTimeout(drain, 20);
        current = null; // later arrivals count as late in the next step
        const closesNow = {};
        const before = JSON.parse(closesBefore);
        for (const [code, n] of Object.entries(closes))
          if (n - (before[code] ?? 0) > 0) closesNow[code] = n - (before[code] ?? 0);
        resolve({
          gen: GEN,
          step,
          workload,
          rate,
          senders: S,
          sent: total,
          sendMs: Math.round(sendEnd - t0),
          spanMs: Math.round(Math.max(sendEnd, s.lastDeliveryAt) - t0),
          drainUsedMs: Math.round(performance.now() - sendEnd),
          drained: done,
          expected: s.expected,
          delivered: s.delivered,
          lost: s.expected - s.delivered,
          dup: s.dup,
          selfEcho: s.selfEcho,
          misrouted: s.misrouted,
          lateFromEarlier: lateFromEarlier - lateBefore,
          acked: s.acksResolved - Object.values(s.ackErrors).reduce((a, b) => a + b, 0),
          ackErrors: s.ackErrors,
          ackMissing: total - s.acksResolved,
          ackDup: s.ackDup,
          closes: closesNow,
          pingsSent: pingsSent - pingsBefore,
          pongs: pongs - pongsBefore,
          hist: s.hist.toJSON(),
          ackHist: s.ackHist.toJSON(),
          lagHist: s.lagHist.toJSON(),
        });
      };
      drain();
    };
    setTimeout(tick, 10);
  });
}

// ---------------------------------------------------------------- commands

async function closeAll() {
  clearInterval(heartbeatTimer);
  for (const user of users) {
    user.closing = true;
    if (!user.conn) continue;
    if (user.conn.kind === 'io') user.conn.socket.disconnect();
    else user.conn.ws.close(1000, 'bench done');
  }
  await new Promise((r) => setTimeout(r, 300));
}

const handlers = {
  async connect(msg) {
    system = msg.system;
    readers = msg.readers === true && system === 'happychat';
    readIntervalMs = msg.readIntervalMs ?? 2000;
    rooms = msg.rooms;
    users = msg.users.map((u) => ({
      id: u.id,
      token: u.token,
      rooms: u.rooms,
      roomPos: new Map(u.rooms.map((r) => [r.roomIdx, r.pos])),
      conn: null,
      heartbeatMs: 25_000,
      nextPingAt: Infinity,
    }));
    return connectAll(msg.target, msg.concurrency ?? 32);
  },
  step: (msg) => runStep(msg),
  status: async () => ({
    closes,
    otherFrames,
    lateFromEarlier,
    pingsSent,
    pongs,
    readsSent,
    users: users.length,
  }),
  async close() {
    await closeAll();
    return { closes, otherFrames };
  },
};

process.on('message', async (msg) => {
  try {
    const result = await handlers[msg.cmd](msg);
    process.send({ id: msg.id, ok: true, result });
  } catch (err) {
    process.send({ id: msg.id, ok: false, error: err.stack ?? String(err) });
  }
  if (msg.cmd === 'close') setTimeout(() => process.exit(0), 50);
});
process.on('disconnect', () => process.exit(0)); // the parent is gone

// Where one message's time goes when the system is idle: a probe against a running Happy Chat
// (`npm start` in another terminal).
//
//   node bench/hop-latency.mjs [--url=http://127.0.0.1:3000] [--messages=200] [--gap-ms=100]
//                              [--metrics=3000,3002,3003]
//
// Two fresh accounts share a fresh room; one sends `message.send` frames one at a time, --gap-ms
// apart, the other listens. Printed: send -> ack and send -> delivery (p50/p90, this process's
// clock), then the mean of every service-side latency histogram that moved during the run, from
// the `/metrics` of the ports given (gateway, room, history under `npm start`): the gateway's
// round trip to the room service, the room service's handling and its round trip to history,
// history's handling and, inside it, the append (the store's statement and commit, then the
// event's publish and its confirm). The differences between nested numbers are the broker hops
// and the wake-ups between processes.
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { positiveNumber } from './lib/args.mjs';
import { Histogram } from './lib/histogram.mjs';
import { call, registerUsers } from './lib/setup.mjs';

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    messages: { type: 'string', default: '200' },
    'gap-ms': { type: 'string', default: '100' },
    metrics: { type: 'string', default: '3000,3002,3003' },
  },
});
const BASE = opts.url.replace(/\/$/, '');
const MESSAGES = positiveNumber('messages', opts.messages);
const GAP_MS = positiveNumber('gap-ms', opts['gap-ms']);
const METRIC_PORTS = opts.metrics.split(',').map((p) => positiveNumber('metrics', p));
const host = new URL(BASE).hostname;

function connect(token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${BASE.replace(/^http/, 'ws')}/ws`, ['happychat.v1', `access_token.${token}`]);
    ws.on('message', (data) => {
      if (String(data).startsWith('{"type":"hello"')) resolve(ws);
    });
    ws.on('error', reject);
    ws.on('close', (code) => reject(new Error(`socket closed ${code} before hello`)));
  });
}

/** `name{labels}` -> {sum, count} for every *_seconds histogram of one /metrics page. */
function histograms(text) {
  const out = {};
  for (const m of text.matchAll(/^(\w+_seconds)_(sum|count)(?:\{([^}]*)\})? ([\d.e+-]+)$/gm)) {
    const key = m[3] ? `${m[1]}{${m[3]}}` : m[1];
    (out[key] ??= { sum: 0, count: 0 })[m[2]] = Number(m[4]);
  }
  return out;
}

const scrape = () =>
  Promise.all(
    METRIC_PORTS.map(async (port) => {
      const res = await fetch(`http://${host}:${port}/metrics`);
      return histograms(await res.text());
    }),
  );

const tag = Math.random().toString(36).slice(2, 8);
const [sender, listener] = await registerUsers(BASE, 2, `hop${tag}`);
const room = await call(BASE, 'POST', '/rooms', sender.token, { name: `hop latency ${tag}` });
const link = await call(BASE, 'POST', `/rooms/${room.id}/invite-links`, sender.token, {});
await call(BASE, 'POST', `/rooms/${room.id}/join`, listener.token, { inviteToken: link.token });
const [out, inn] = [await connect(sender.token), await connect(listener.token)];

const sentAt = new Map();
const acks = new Histogram();
const deliveries = new Histogram();
const errors = [];
out.on('message', (data) => {
  const frame = JSON.parse(String(data));
  if (frame.type === 'message.ack') acks.record(performance.now() - sentAt.get(frame.id));
  if (frame.type === 'error') errors.push(frame.code);
});
inn.on('message', (data) => {
  const frame = JSON.parse(String(data));
  if (frame.type === 'message.created' && sentAt.has(frame.message.clientMsgId))
    deliveries.record(performance.now() - sentAt.get(frame.message.clientMsgId));
});

const before = await scrape();
for (let i = 0; i < MESSAGES; i++) {
  const id = `hop-${tag}-${i}`;
  sentAt.set(id, performance.now());
  out.send(
    JSON.stringify({ type: 'message.send', id, roomId: room.id, clientMsgId: id, content: `probe ${i}` }),
  );
  await new Promise((r) => setTimeout(r, GAP_MS));
}
await new Promise((r) => setTimeout(r, 1000));
const after = await scrape();
out.close();
inn.close();

const ms = (v) => `${v.toFixed(2)} ms`;
console.log(
  `${MESSAGES} messages, ${GAP_MS} ms apart: ${acks.n} acked, ${deliveries.n} delivered` +
    (errors.length ? `, errors ${[...new Set(errors)].join(', ')}` : ''),
);
if (acks.n && deliveries.n) {
  console.log(`  send -> ack       p50 ${ms(acks.quantile(0.5))}  p90 ${ms(acks.quantile(0.9))}`);
  console.log(`  send -> delivery  p50 ${ms(deliveries.quantile(0.5))}  p90 ${ms(deliveries.quantile(0.9))}`);
}
console.log('service-side means during the run (port: histogram, count, mean):');
METRIC_PORTS.forEach((port, i) => {
  for (const [key, now] of Object.entries(after[i])) {
    const was = before[i][key] ?? { sum: 0, count: 0 };
    const count = now.count - was.count;
    if (count <= 0 || /http_request|gc_|eventloop/.test(key)) continue;
    console.log(`  ${port}: ${key}  ${count}  ${ms((1000 * (now.sum - was.sum)) / count)}`);
  }
});

// RabbitMQ's CPU per room event, for each way of routing room events to a gateway, same run.
//
//   node bench/broker-routing.mjs [--rates=500,2000] [--seconds=10] [--rooms=50] [--room-size=20]
//                                 [--batch-ms=10] [--topologies=direct,inbox,unattached,topic-cc,fanout]
//
// One gateway queue hears 50 rooms of 20 members; events are spread over the rooms.
// "inbox": how Happy Chat routed until 2026-12-07: the topic exchange, one fanout inbox per user
// bound with room.<roomId>.user.*, the gateway queue bound to every inbox. "direct": the queue
// bound to the topic exchange once per room (room.<roomId>.user.*), one message per event.
// "unattached": as "direct", with the inboxes still bound to their rooms but to no queue.
// "topic-cc": as "direct", but the events due every --batch-ms leave as ONE message, routed with
// the first event's key and the others' in its `CC` header (RabbitMQ's sender-selected
// distribution: one copy per matching queue). "fanout": what Happy Chat does now
// (docs/architecture.md step 6): the same batches on a direct exchange, the queue bound with
// room.<roomId>. Each publish waits for its confirm (as the publishers do) and is consumed without
// acks (as the gateway does). Printed: beam.smp CPU (user + system, /proc) per event at each rate,
// in a fresh vhost that is deleted afterwards. RabbitMQ is shared with the machine: run it on a
// quiet one.
import { parseArgs } from 'node:util';
import amqp from 'amqplib';
import { createVhost, deleteVhost, uniqueName } from './lib/infra.mjs';
import { cpuSeconds, pidsByComm } from './lib/proc.mjs';
import { positiveNumber } from './lib/args.mjs';

const ALL = ['direct', 'inbox', 'unattached', 'topic-cc', 'fanout'];
const { values: opts } = parseArgs({
  options: {
    rates: { type: 'string', default: '500,2000' },
    seconds: { type: 'string', default: '10' },
    rooms: { type: 'string', default: '50' },
    'room-size': { type: 'string', default: '20' },
    'batch-ms': { type: 'string', default: '10' },
    topologies: { type: 'string', default: ALL.join(',') },
  },
});
const RATES = opts.rates.split(',').map((r) => positiveNumber('rates', r));
const SECONDS = positiveNumber('seconds', opts.seconds);
const ROOMS = positiveNumber('rooms', opts.rooms);
const ROOM_SIZE = positiveNumber('room-size', opts['room-size']);
const BATCH_MS = positiveNumber('batch-ms', opts['batch-ms']);
const TOPOLOGIES = opts.topologies.split(',');
for (const t of TOPOLOGIES) if (!ALL.includes(t)) throw new Error(`--topologies: unknown ${t} (${ALL.join(', ')})`);
if (!TOPOLOGIES.includes('direct')) TOPOLOGIES.unshift('direct');

const [beam] = pidsByComm('beam.smp');
if (!beam) throw new Error('no beam.smp process: is RabbitMQ running on this machine?');
const id = (prefix, n) => `0190f5c2-7c1a-7000-${prefix}-${String(n).padStart(12, '0')}`;
const roomId = (r) => id('8000', r);
const userId = (r, i) => id('9000', r * ROOM_SIZE + i);
const json = JSON.stringify({
  type: 'message.created',
  v: 1,
  eventId: id('a000', 0),
  occurredAt: new Date().toISOString(),
  message: { id: id('b000', 0), roomId: roomId(0), seq: 1, senderId: userId(0, 0), content: 'x'.repeat(250) },
});
const body = Buffer.from(json);
const batched = (topology) => topology === 'topic-cc' || topology === 'fanout';

async function measure(topology, rate) {
  const vhost = uniqueName();
  const conn = await amqp.connect(await createVhost(vhost));
  try {
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange('room.events', 'topic', { durable: true });
    await ch.assertExchange('room.fanout', 'direct', { durable: true });
    const { queue } = await ch.assertQueue('', { exclusive: true, arguments: { 'x-max-length': 100_000 } });
    for (let r = 0; r < ROOMS; r++) {
      if (topology === 'fanout') await ch.bindQueue(queue, 'room.fanout', `room.${roomId(r)}`);
      else if (topology !== 'inbox') await ch.bindQueue(queue, 'room.events', `room.${roomId(r)}.user.*`);
      if (topology !== 'inbox' && topology !== 'unattached') continue;
      for (let i = 0; i < ROOM_SIZE; i++) {
        const inbox = `inbox.${userId(r, i)}`;
        await ch.assertExchange(inbox, 'fanout', { durable: true });
        await ch.bindExchange(inbox, 'room.events', `room.${roomId(r)}.user.*`);
        if (topology === 'inbox') await ch.bindQueue(queue, inbox, '');
      }
    }
    let received = 0;
    await ch.consume(queue, (msg) => (received += Number(msg.properties.headers?.events ?? 1)), { noAck: true });
    await new Promise((r) => setTimeout(r, 1000));

    const publish = (exchange, key, content, headers) =>
      new Promise((ok, fail) => ch.publish(exchange, key, content, { headers }, (err) => (err ? fail(err) : ok())));
    const cpu0 = cpuSeconds(beam);
    const t0 = performance.now();
    let sent = 0;
    // Open loop, like the bench generator: whatever is due is published, then a short sleep.
    while (performance.now() - t0 < SECONDS * 1000) {
      const due = Math.floor(((performance.now() - t0) * rate) / 1000);
      const confirms = [];
      if (batched(topology) && due > sent) {
        const keys = new Set();
        const lines = [];
        for (; sent < due; sent++) {
          const r = sent % ROOMS;
          keys.add(topology === 'fanout' ? `room.${roomId(r)}` : `room.${roomId(r)}.user.${userId(r, sent % ROOM_SIZE)}`);
          lines.push(`${roomId(r)} ${json}\n`);
        }
        const [key, ...cc] = keys;
        const exchange = topology === 'fanout' ? 'room.fanout' : 'room.events';
        confirms.push(publish(exchange, key, Buffer.from(lines.join('')), { CC: cc, events: lines.length }));
      }
      for (; sent < due; sent++) {
        const r = sent % ROOMS;
        confirms.push(publish('room.events', `room.${roomId(r)}.user.${userId(r, sent % ROOM_SIZE)}`, body));
      }
      await Promise.all(confirms);
      await new Promise((r) => setTimeout(r, batched(topology) ? BATCH_MS : 2));
    }
    const wall = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(beam) - cpu0;
    await new Promise((r) => setTimeout(r, 500));
    if (received !== sent) throw new Error(`${topology} at ${rate}/s: sent ${sent}, received ${received}`);
    return {
      topology,
      rate,
      events: sent,
      brokerCores: +(cpu / wall).toFixed(3),
      brokerUsPerEvent: Math.round((cpu * 1e6) / sent),
    };
  } finally {
    await conn.close().catch(() => undefined);
    await deleteVhost(vhost).catch(() => undefined);
  }
}

const rows = [];
for (const rate of RATES) for (const topology of TOPOLOGIES) rows.push(await measure(topology, rate));
console.table(rows);
for (const rate of RATES) {
  const direct = rows.find((r) => r.rate === rate && r.topology === 'direct');
  const others = rows.filter((r) => r.rate === rate && r.topology !== 'direct');
  console.log(
    `${rate}/s, against one message per event bound per room (${direct.brokerUsPerEvent} µs): ` +
      others
        .map((o) => `${o.topology} ${o.brokerUsPerEvent} µs (${(o.brokerUsPerEvent / direct.brokerUsPerEvent).toFixed(2)}×)`)
        .join(', '),
  );
}

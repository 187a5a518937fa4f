// RabbitMQ's CPU per room event, through the per-user inboxes and without them, same run.
//
//   node bench/broker-routing.mjs [--rates=500,2000] [--seconds=10] [--rooms=50] [--room-size=20]
//
// "inbox": the topology Happy Chat runs (docs/architecture.md step 8): the topic exchange, one
// fanout inbox per user bound with room.<roomId>.user.*, one gateway queue bound to every inbox.
// "direct": the same queue bound to the topic exchange once per room. "unattached": the queue
// bound per room as in "direct", and the inboxes still bound to their rooms but to no queue (what
// per-room gateway bindings alone would leave if the room service still bound every member's
// inbox). Each event is published
// with a publisher confirm (as the history service does) and consumed without acks (as the
// gateway does). Printed: beam.smp CPU (user + system, /proc) per event at each rate, in a fresh
// vhost that is deleted afterwards. RabbitMQ is shared with the machine: run it on a quiet one.
import { parseArgs } from 'node:util';
import amqp from 'amqplib';
import { createVhost, deleteVhost, uniqueName } from './lib/infra.mjs';
import { cpuSeconds, pidsByComm } from './lib/proc.mjs';
import { positiveNumber } from './lib/args.mjs';

const { values: opts } = parseArgs({
  options: {
    rates: { type: 'string', default: '500,2000' },
    seconds: { type: 'string', default: '10' },
    rooms: { type: 'string', default: '50' },
    'room-size': { type: 'string', default: '20' },
  },
});
const RATES = opts.rates.split(',').map((r) => positiveNumber('rates', r));
const SECONDS = positiveNumber('seconds', opts.seconds);
const ROOMS = positiveNumber('rooms', opts.rooms);
const ROOM_SIZE = positiveNumber('room-size', opts['room-size']);

const [beam] = pidsByComm('beam.smp');
if (!beam) throw new Error('no beam.smp process: is RabbitMQ running on this machine?');
const id = (prefix, n) => `0190f5c2-7c1a-7000-${prefix}-${String(n).padStart(12, '0')}`;
const roomId = (r) => id('8000', r);
const userId = (r, i) => id('9000', r * ROOM_SIZE + i);
const body = Buffer.from(
  JSON.stringify({
    type: 'message.created',
    v: 1,
    eventId: id('a000', 0),
    occurredAt: new Date().toISOString(),
    message: {
      id: id('b000', 0),
      roomId: roomId(0),
      seq: 1,
      senderId: userId(0, 0),
      content: 'x'.repeat(250),
    },
  }),
);

async function measure(topology, rate) {
  const vhost = uniqueName();
  const conn = await amqp.connect(await createVhost(vhost));
  try {
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange('room.events', 'topic', { durable: true });
    const { queue } = await ch.assertQueue('', { exclusive: true, arguments: { 'x-max-length': 100_000 } });
    for (let r = 0; r < ROOMS; r++) {
      if (topology !== 'inbox') await ch.bindQueue(queue, 'room.events', `room.${roomId(r)}.user.*`);
      if (topology === 'direct') continue;
      for (let i = 0; i < ROOM_SIZE; i++) {
        const inbox = `inbox.${userId(r, i)}`;
        await ch.assertExchange(inbox, 'fanout', { durable: true });
        await ch.bindExchange(inbox, 'room.events', `room.${roomId(r)}.user.*`);
        if (topology === 'inbox') await ch.bindQueue(queue, inbox, '');
      }
    }
    let received = 0;
    await ch.consume(queue, () => received++, { noAck: true });
    await new Promise((r) => setTimeout(r, 1000));

    const cpu0 = cpuSeconds(beam);
    const t0 = performance.now();
    let sent = 0;
    // Open loop, like the bench generator: whatever is due is published, then a short sleep.
    while (performance.now() - t0 < SECONDS * 1000) {
      const due = Math.floor(((performance.now() - t0) * rate) / 1000);
      const confirms = [];
      for (; sent < due; sent++) {
        const r = sent % ROOMS;
        const key = `room.${roomId(r)}.user.${userId(r, sent % ROOM_SIZE)}`;
        confirms.push(
          new Promise((ok, fail) =>
            ch.publish('room.events', key, body, { type: 'message.created' }, (err) =>
              err ? fail(err) : ok(),
            ),
          ),
        );
      }
      await Promise.all(confirms);
      await new Promise((r) => setTimeout(r, 2));
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

const TOPOLOGIES = ['direct', 'inbox', 'unattached'];
const rows = [];
for (const rate of RATES) for (const topology of TOPOLOGIES) rows.push(await measure(topology, rate));
console.table(rows);
for (const rate of RATES) {
  const [direct, inbox, unattached] = TOPOLOGIES.map((t) => rows.find((r) => r.rate === rate && r.topology === t));
  console.log(
    `${rate}/s: the inboxes cost ${inbox.brokerUsPerEvent - direct.brokerUsPerEvent} µs of broker CPU per event ` +
      `(${(inbox.brokerUsPerEvent / direct.brokerUsPerEvent).toFixed(2)}× direct); bound to rooms but to no queue, ` +
      `${unattached.brokerUsPerEvent - direct.brokerUsPerEvent} µs (${(unattached.brokerUsPerEvent / direct.brokerUsPerEvent).toFixed(2)}×)`,
  );
}

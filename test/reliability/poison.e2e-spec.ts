import { randomUUID } from 'node:crypto';
import amqp, { ChannelModel, Channel, GetMessage } from 'amqplib';
import { Commands, Headers, Queues } from '@app/contracts';
import { Client } from 'pg';
import { eventually } from '../support/infra';
import { connectRpc } from '../support/rpc';
import { registerUser } from '../support/http';
import { RunningSystem, startSystem } from '../support/system';

/** Metric lines of one service's /metrics for a name, e.g. happychat_commands_total. */
async function metric(
  sys: RunningSystem,
  app: keyof RunningSystem['apps'],
  pattern: RegExp,
): Promise<number> {
  const url = (await sys.apps[app].getUrl()).replace('[::1]', '127.0.0.1');
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => pattern.test(l))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/**
 * Poison messages published straight to the broker, as a buggy or hostile peer would: malformed
 * bodies and messages whose handler fails every time. Each ends in `happychat.dead-letter` with
 * its reason after a bounded number of tries, and the queue goes on serving the next message.
 */
describe('poison messages: dead-lettered with a reason, the queue keeps flowing', () => {
  let sys: RunningSystem;
  let conn: ChannelModel;
  let ch: Channel;
  let rpc: Awaited<ReturnType<typeof connectRpc>>;
  let userId: string;

  beforeAll(async () => {
    sys = await startSystem();
    conn = await amqp.connect(sys.vhost.url);
    ch = await conn.createChannel();
    rpc = await connectRpc(sys.vhost.url);
    userId = (await registerUser(sys.baseUrl, `poison${Date.now().toString(36)}`)).id;
  }, 60_000);

  afterAll(async () => {
    await rpc?.close();
    await conn?.close().catch(() => undefined);
    await sys?.stop();
  });

  /** Wait for the dead-letter copy carrying `marker` in its body; other letters are put back. */
  async function deadLetter(marker: string, timeoutMs = 15_000): Promise<GetMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const msg = await ch.get(Queues.DEAD_LETTER, { noAck: false });
      if (msg) {
        if (msg.content.toString('utf8').includes(marker)) {
          ch.ack(msg);
          return msg;
        }
        ch.nack(msg, false, true);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no dead letter with ${marker} within ${timeoutMs} ms`);
  }

  const reasonOf = (msg: GetMessage): string => String(msg.properties.headers?.[Headers.DEATH_REASON] ?? '');

  it.each([
    ['not JSON', 'room.list', (m: string) => Buffer.from(`{not json ${m}`), /JSON/i],
    [
      'an unknown command type',
      'room.does_not_exist',
      (m: string) => Buffer.from(JSON.stringify({ m })),
      /unknown/i,
    ],
  ])(
    'a command that is %s is dead-lettered with its reason and the room queue keeps serving',
    async (_n, type, body, reason) => {
      const marker = `poison-${randomUUID()}`;
      ch.sendToQueue(Queues.ROOM_COMMANDS, body(marker), { type, headers: {} });
      const letter = await deadLetter(marker);
      expect(reasonOf(letter)).toMatch(reason);
      const rooms = await rpc.rpc.request(Commands.ROOM_LIST, { actorId: userId });
      expect(Array.isArray(rooms.rooms)).toBe(true);
    },
  );

  it('a command whose handler fails every time is tried twice, then dead-lettered; the next one succeeds', async () => {
    const internal = /^happychat_commands_total\{command="topic\.directory",outcome="common\.internal"/;
    const before = await metric(sys, 'room', internal);
    const marker = `q-${randomUUID()}`;
    // Passes the contract (a string of ≤ 100), but PostgreSQL text cannot hold NUL: the query fails on every try.
    const poison = { type: 'topic.directory', v: 1, actorId: userId, query: `\u0000${marker}` };
    ch.sendToQueue(Queues.ROOM_COMMANDS, Buffer.from(JSON.stringify(poison)), {
      type: 'topic.directory',
      headers: {},
    });
    const letter = await deadLetter(marker);
    expect(letter.properties.type).toBe('topic.directory');
    expect(reasonOf(letter).length).toBeGreaterThan(0);
    const after = await metric(sys, 'room', internal);
    expect(after - before).toBe(2); // bounded: the first try and one redelivery
    const ok = await rpc.rpc.request(Commands.TOPIC_DIRECTORY, { actorId: userId, query: 'fine' });
    expect(ok).toBeDefined();
  });

  it('presence reports that are malformed or fail in the handler are dead-lettered; a valid one right after is applied', async () => {
    const garbage = `presence-garbage-${randomUUID()}`;
    ch.sendToQueue(Queues.ROOM_PRESENCE, Buffer.from(garbage));
    expect(reasonOf(await deadLetter(garbage))).toMatch(/^invalid:/);

    const wrongShape = `presence-shape-${randomUUID()}`;
    ch.sendToQueue(
      Queues.ROOM_PRESENCE,
      Buffer.from(JSON.stringify({ type: 'gateway.presence.reported', v: 2, gatewayId: wrongShape })),
    );
    expect(reasonOf(await deadLetter(wrongShape))).toMatch(/^invalid:/);

    // Valid to the contract, but the gateway id carries NUL: the database refuses it on every try.
    const unstorable = `gw-\u0000-${randomUUID()}`;
    const report = (gatewayId: string) => ({
      type: 'gateway.presence.reported',
      v: 1,
      gatewayId,
      full: true,
      ttlMs: 60_000,
      users: [{ userId, status: 'online' }],
      gone: [],
    });
    ch.sendToQueue(Queues.ROOM_PRESENCE, Buffer.from(JSON.stringify(report(unstorable))));
    const letter = await deadLetter(unstorable.slice(-36));
    expect(reasonOf(letter).length).toBeGreaterThan(0);

    const okGateway = `gw-ok-${randomUUID()}`;
    ch.sendToQueue(Queues.ROOM_PRESENCE, Buffer.from(JSON.stringify(report(okGateway))));
    const db = new Client({ connectionString: sys.db.url });
    await db.connect();
    try {
      await eventually(async () => {
        const { rowCount } = await db.query(
          `SELECT 1 FROM "room"."presence_sessions" WHERE gateway_id = $1 AND user_id = $2`,
          [okGateway, userId],
        );
        return rowCount === 1;
      }, 10_000);
    } finally {
      await db.end();
    }
    // The room service is still up and its queue drained: nothing is stuck behind the poison.
    const q = await ch.checkQueue(Queues.ROOM_PRESENCE);
    expect(q.messageCount).toBe(0);
    expect(q.consumerCount).toBe(1);
    const ready = await fetch(`${(await sys.apps.room.getUrl()).replace('[::1]', '127.0.0.1')}/health/ready`);
    expect(ready.status).toBe(200);
  });
});

import { Channel } from 'amqplib';
import { Socket } from 'node:net';
import {
  COMMAND_BATCH_CONTENT_TYPE,
  CommandBatchLimits,
  Commands,
  CommonErrorCode,
  Exchanges,
  gatewayQueue,
  Queues,
  RoomErrorCode,
  RoutingKeys,
} from '@app/contracts';
import { AppException } from '@app/common';
import { currentCorrelationId } from '@app/common/context/request-context';
import { closeBrokerConnection, createTestVhost, eventually, Isolated } from '../../../test/support/infra';
import { AmqpConnection } from './amqp-connection';
import { CommandServer } from './command-server';
import { EventPublisher } from './event-publisher';
import { decodeRoomFanout, RoomFanoutLimits } from './room-fanout';
import { RpcClient } from './rpc-client';

describe('messaging against a real RabbitMQ', () => {
  let vhost: Isolated;
  let server: AmqpConnection;
  let client: AmqpConnection;
  let rpc: RpcClient;
  let commands: CommandServer;
  const appendCalls: string[] = [];

  beforeAll(async () => {
    vhost = await createTestVhost();
    server = new AmqpConnection(vhost.url, 'test-server');
    client = new AmqpConnection(vhost.url, 'test-client');
    await Promise.all([server.start(), client.start()]);
    commands = new CommandServer(server, Queues.HISTORY_COMMANDS, 8);
    commands.register(Commands.HISTORY_PAGE, async (p) => ({
      messages: [],
      hasMore: false,
      echo: (p as { roomId: string }).roomId,
    }));
    commands.register(Commands.HISTORY_APPEND, async (p) => {
      const { content, clientMsgId } = p as { content: string; clientMsgId: string };
      appendCalls.push(clientMsgId);
      if (content === 'refuse')
        throw new AppException(RoomErrorCode.NOT_MEMBER, 'You are not a member of this room');
      if (content === 'flaky' && appendCalls.filter((c) => c === clientMsgId).length === 1)
        throw new Error('simulated deadlock victim');
      return { echo: clientMsgId, correlationId: currentCorrelationId() };
    });
    await commands.start();
    rpc = new RpcClient(client, { timeoutMs: 2000 });
    await rpc.start();
  });

  /** amqplib's Channel prototype: a spy on it sees every channel's publishes. */
  async function channelPrototype(): Promise<Channel> {
    const probe = await client.createChannel();
    await probe.close();
    return Object.getPrototypeOf(probe) as Channel;
  }

  afterAll(async () => {
    rpc.stop();
    await Promise.all([client.stop(), server.stop()]);
    await vhost.drop();
  });

  it("coalesces the broker connection's writes", () => {
    const socket = (server as unknown as { model: { connection: { stream: Socket } } }).model.connection
      .stream;
    expect(socket).toBeInstanceOf(Socket);
    expect(socket.write).not.toBe(Socket.prototype.write);
  });

  it('answers a request with the handler result', async () => {
    const roomId = '0190f5c2-7c1a-7000-8000-000000000001';
    const out = await rpc.request(Commands.HISTORY_PAGE, { roomId, limit: 10 });
    expect(out).toEqual({ messages: [], hasMore: false, echo: roomId });
  });

  it('carries an AppException code back to the caller', async () => {
    const call = rpc.request(Commands.HISTORY_APPEND, {
      roomId: '0190f5c2-7c1a-7000-8000-000000000001',
      senderId: '0190f5c2-7c1a-7000-8000-000000000002',
      clientMsgId: 'c1',
      kind: 'text',
      content: 'refuse',
    });
    await expect(call).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });
  });

  it('refuses an invalid payload with the fields named', async () => {
    const call = rpc.request(Commands.HISTORY_PAGE, { roomId: 'not-a-uuid', limit: 1000 });
    await expect(call).rejects.toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED });
    const err = (await call.catch((e: unknown) => e)) as AppException;
    expect(err.details?.map((d) => d.field).sort()).toEqual(['limit', 'roomId']);
  });

  it('sends the batchable requests of one turn as one message and answers each item on its own', async () => {
    const publish = jest.spyOn(await channelPrototype(), 'publish');
    try {
      const roomId = '0190f5c2-7c1a-7000-8000-000000000001';
      const senderId = '0190f5c2-7c1a-7000-8000-000000000002';
      const append = (clientMsgId: string, content: string, over: object = {}) =>
        rpc
          .request(
            Commands.HISTORY_APPEND,
            { roomId, senderId, clientMsgId, kind: 'text', content, ...over },
            { correlationId: `trace-${clientMsgId}` },
          )
          .then(
            (v) => ({ ok: v }),
            (e: AppException) => ({ code: e.code }),
          );
      const outcomes = await Promise.all([
        append('b1', 'one'),
        append('b2', 'refuse'),
        append('b3', 'invalid', { senderId: 'not-a-uuid' }),
        append('b4', 'flaky'),
        append('b5', 'five'),
      ]);
      expect(outcomes).toEqual([
        { ok: { echo: 'b1', correlationId: 'trace-b1' } },
        { code: RoomErrorCode.NOT_MEMBER },
        { code: CommonErrorCode.VALIDATION_FAILED },
        { ok: { echo: 'b4', correlationId: 'trace-b4' } },
        { ok: { echo: 'b5', correlationId: 'trace-b5' } },
      ]);
      const requests = () => publish.mock.calls.filter(([exchange]) => exchange === Exchanges.COMMANDS);
      const appends = requests().filter(([, key]) => key === Commands.HISTORY_APPEND);
      expect(appends).toHaveLength(1);
      expect(appends[0][3]).toMatchObject({ contentType: COMMAND_BATCH_CONTENT_TYPE });
      // The unexpected failure was tried once more, in the same batch.
      expect(appendCalls.filter((c) => c === 'b4')).toHaveLength(2);

      // Other commands are never batched; a lone batchable request goes as a plain one.
      publish.mockClear();
      await Promise.all([
        rpc.request(Commands.HISTORY_PAGE, { roomId, limit: 1 }),
        rpc.request(Commands.HISTORY_PAGE, { roomId, limit: 2 }),
      ]);
      await append('b6', 'alone');
      expect(requests().map(([, key, , opts]) => `${key} ${opts?.contentType}`)).toEqual([
        `${Commands.HISTORY_PAGE} application/json`,
        `${Commands.HISTORY_PAGE} application/json`,
        `${Commands.HISTORY_APPEND} application/json`,
      ]);
    } finally {
      publish.mockRestore();
    }
  });

  it('with a batch linger, sends a request after a quiet spell at once and gathers the next ones until the linger is over', async () => {
    const LINGER_MS = 400;
    const lingering = new RpcClient(client, { timeoutMs: 5000, batchLingerMs: LINGER_MS });
    await lingering.start();
    const proto = await channelPrototype();
    const sent: Array<{ at: number; contentType?: string }> = [];
    const original = proto.publish;
    const publish = jest.spyOn(proto, 'publish').mockImplementation(function (this: Channel, ...args) {
      if (args[0] === Exchanges.COMMANDS && args[1] === Commands.HISTORY_APPEND)
        sent.push({ at: performance.now(), contentType: args[3]?.contentType });
      return original.apply(this, args);
    });
    const nextTurn = () => new Promise((r) => setImmediate(r));
    try {
      const append = (clientMsgId: string) =>
        lingering.request(Commands.HISTORY_APPEND, {
          roomId: '0190f5c2-7c1a-7000-8000-000000000001',
          senderId: '0190f5c2-7c1a-7000-8000-000000000002',
          clientMsgId,
          kind: 'text',
          content: 'hi',
        });
      const first = append('l1');
      await nextTurn();
      expect(sent).toHaveLength(1); // nothing left lately: no wait

      const second = append('l2');
      await nextTurn();
      const third = append('l3');
      await nextTurn();
      expect(sent).toHaveLength(1); // both wait for the linger, in different turns

      await expect(Promise.all([first, second, third])).resolves.toEqual([
        expect.objectContaining({ echo: 'l1' }),
        expect.objectContaining({ echo: 'l2' }),
        expect.objectContaining({ echo: 'l3' }),
      ]);
      expect(sent.map((s) => s.contentType)).toEqual(['application/json', COMMAND_BATCH_CONTENT_TYPE]);
      expect(sent[1].at - sent[0].at).toBeGreaterThanOrEqual(LINGER_MS - 5);

      // Stopping while a request lingers: its caller is told, and it is never sent.
      const lingeringOnStop = append('l4');
      await nextTurn();
      lingering.stop();
      await expect(lingeringOnStop).rejects.toMatchObject({ code: CommonErrorCode.SERVICE_UNAVAILABLE });
      await new Promise((r) => setTimeout(r, LINGER_MS + 50));
      expect(sent).toHaveLength(2);
    } finally {
      publish.mockRestore();
      lingering.stop();
    }
  });
  it('refuses a batch of a command that is not sent in batches, one without items and one too large', async () => {
    const ch = await client.createChannel();
    const replies = await ch.assertQueue('', { exclusive: true });
    const got: unknown[] = [];
    await ch.consume(replies.queue, (m) => m && got.push(JSON.parse(m.content.toString())), { noAck: true });
    const send = (type: string, body: string) =>
      ch.publish(Exchanges.COMMANDS, type, Buffer.from(body), {
        type,
        replyTo: replies.queue,
        correlationId: type,
        contentType: COMMAND_BATCH_CONTENT_TYPE,
      });
    send(Commands.HISTORY_PAGE, '{"v":1,"items":[]}');
    await eventually(() => got.length === 1);
    send(Commands.HISTORY_APPEND, '{"v":1}');
    await eventually(() => got.length === 2);
    const tooMany = Array.from({ length: CommandBatchLimits.MAX_ITEMS + 1 }, () => ({ command: {} }));
    send(Commands.HISTORY_APPEND, JSON.stringify({ v: 1, items: tooMany }));
    await eventually(() => got.length === 3);
    const refused = {
      ok: false,
      error: expect.objectContaining({ code: CommonErrorCode.VALIDATION_FAILED }),
    };
    expect(got).toEqual([refused, refused, refused]);
    expect(JSON.stringify(got[2])).toContain('at most');
    await ch.close();
  });

  it('fails fast when no service handles the command', async () => {
    const started = Date.now();
    await expect(rpc.request(Commands.AUTH_LOGIN, { username: 'a', password: 'b' })).rejects.toMatchObject({
      code: CommonErrorCode.SERVICE_UNAVAILABLE,
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('gathers the room events of one turn into one message per gateway queue, in order, and stops after unbind', async () => {
    const events = new EventPublisher(server);
    const [roomA, roomB, roomC] = ['aa', 'bb', 'cc'].map((x) => `0190f5c2-7c1a-7000-8000-0000000000${x}`);
    const alice = '0190f5c2-7c1a-7000-8000-0000000000a1';
    const ch: Channel = await server.createChannel();
    // Gateway 1 has members of A and B; gateway 2 of C; a bot's inbox hears the topic exchange.
    const [gw1, gw2, bot] = [gatewayQueue('test-gw1'), gatewayQueue('test-gw2'), 'test-bot-inbox'];
    for (const q of [gw1, gw2, bot])
      await ch.assertQueue(q, { exclusive: true, autoDelete: true, durable: false });
    await ch.bindQueue(gw1, Exchanges.ROOM_FANOUT, RoutingKeys.roomFanout(roomA));
    await ch.bindQueue(gw1, Exchanges.ROOM_FANOUT, RoutingKeys.roomFanout(roomB));
    await ch.bindQueue(gw2, Exchanges.ROOM_FANOUT, RoutingKeys.roomFanout(roomC));
    for (const room of [roomA, roomB, roomC])
      await ch.bindQueue(bot, Exchanges.ROOM_EVENTS, RoutingKeys.roomBinding(room));
    const got = new Map<string, string[][]>([gw1, gw2, bot].map((q) => [q, []]));
    for (const q of [gw1, gw2, bot])
      await ch.consume(
        q,
        (m) => {
          if (!m) return;
          got
            .get(q)!
            .push(
              m.fields.exchange === Exchanges.ROOM_FANOUT
                ? decodeRoomFanout(m.content).items.map(
                    (i) => `${i.roomId}|${JSON.parse(i.raw.toString()).eventId}`,
                  )
                : [`${m.fields.routingKey}|${JSON.parse(m.content.toString()).eventId}`],
            );
        },
        { noAck: true },
      );
    const event = (roomId: string, id: string) => ({
      type: 'room.member.joined' as const,
      v: 1 as const,
      eventId: id,
      occurredAt: new Date().toISOString(),
      roomId,
      userId: alice,
      displayName: 'Alice 👋',
      role: 'member' as const,
    });
    // One turn: A, C, B, A; the last two say the room has no integration.
    await Promise.all([
      events.publishRoomEvent(roomA, alice, event(roomA, 'e1')),
      events.publishRoomEvent(roomC, alice, event(roomC, 'e2')),
      events.publishRoomEvent(roomB, alice, event(roomB, 'e3'), { integrations: false }),
      events.publishRoomEvent(roomA, alice, event(roomA, 'e4'), { integrations: false }),
    ]);
    await eventually(
      () => got.get(gw1)!.length >= 1 && got.get(gw2)!.length >= 1 && got.get(bot)!.length >= 2,
    );
    await new Promise((r) => setTimeout(r, 150));
    const all = [`${roomA}|e1`, `${roomC}|e2`, `${roomB}|e3`, `${roomA}|e4`];
    // One copy per queue, however many of its rooms the message names; rooms it does not hear
    // come along and are the gateway's to skip.
    expect(got.get(gw1)).toEqual([all]);
    expect(got.get(gw2)).toEqual([all]);
    expect(got.get(bot)).toEqual([[`room.${roomA}.user.${alice}|e1`], [`room.${roomC}.user.${alice}|e2`]]);

    await ch.unbindQueue(gw1, Exchanges.ROOM_FANOUT, RoutingKeys.roomFanout(roomA));
    await ch.unbindQueue(gw1, Exchanges.ROOM_FANOUT, RoutingKeys.roomFanout(roomB));
    await events.publishRoomEvent(roomA, alice, event(roomA, 'e5'), { integrations: false });
    await events.publishRoomEvent(roomC, alice, event(roomC, 'e6'), { integrations: false });
    await eventually(() => got.get(gw2)!.length >= 2);
    await new Promise((r) => setTimeout(r, 150));
    expect(got.get(gw1)).toHaveLength(1);
    // Published in separate turns: separate messages, and e5 (room A alone) reaches no queue.
    expect(got.get(gw2)!.slice(1)).toEqual([[`${roomC}|e6`]]);
    await ch.close();
  });

  it('splits a turn of room events at the batch limit, keeping their order', async () => {
    const events = new EventPublisher(server);
    const roomId = '0190f5c2-7c1a-7000-8000-0000000000dd';
    const ch: Channel = await server.createChannel();
    const q = gatewayQueue('test-gw-split');
    await ch.assertQueue(q, { exclusive: true, autoDelete: true, durable: false });
    await ch.bindQueue(q, Exchanges.ROOM_FANOUT, RoutingKeys.roomFanout(roomId));
    const batches: string[][] = [];
    await ch.consume(
      q,
      (m) =>
        m && batches.push(decodeRoomFanout(m.content).items.map((i) => JSON.parse(i.raw.toString()).eventId)),
      { noAck: true },
    );
    const n = RoomFanoutLimits.MAX_ITEMS + 5;
    const ids = Array.from({ length: n }, (_, i) => `e${i}`);
    await Promise.all(
      ids.map((eventId) =>
        events.publishRoomEvent(
          roomId,
          roomId,
          {
            type: 'room.member.joined',
            v: 1,
            eventId,
            occurredAt: new Date().toISOString(),
            roomId,
            userId: roomId,
            displayName: 'Bot',
            role: 'member',
          },
          { integrations: false },
        ),
      ),
    );
    await eventually(() => batches.flat().length >= n);
    expect(batches.map((b) => b.length)).toEqual([RoomFanoutLimits.MAX_ITEMS, 5]);
    expect(batches.flat()).toEqual(ids);
    await ch.close();
  });

  it('recovers after the broker drops the connection: topology and consumers come back', async () => {
    await closeBrokerConnection(vhost.name, 'test-server', 'test: simulated broker-side failure');
    await eventually(() => !server.connected, 5000);
    // The server reconnects by itself, redeclares its queue and consumer; requests work again.
    const roomId = '0190f5c2-7c1a-7000-8000-000000000003';
    const out = await eventually(() => rpc.request(Commands.HISTORY_PAGE, { roomId, limit: 1 }), 15_000, 200);
    expect(out).toMatchObject({ echo: roomId });
    expect(server.connected).toBe(true);
  }, 30_000);

  describe('a consumer lost while the connection stays up', () => {
    const roomId = '0190f5c2-7c1a-7000-8000-000000000004';

    /** Runs `lose`, then expects the server's setups to run again and its commands to be answered. */
    const expectComesBackAfter = async (lose: () => Promise<void>): Promise<void> => {
      let runs = 0;
      await server.onConnect(async () => {
        runs++;
      });
      await lose();
      await eventually(() => runs === 2, 10_000);
      const out = await eventually(
        () => rpc.request(Commands.HISTORY_PAGE, { roomId, limit: 1 }),
        15_000,
        200,
      );
      expect(out).toMatchObject({ echo: roomId });
    };

    it('comes back when its queue is deleted under it (the broker cancels the consumer)', async () => {
      await expectComesBackAfter(async () => {
        const admin = await client.createChannel();
        await admin.deleteQueue(Queues.HISTORY_COMMANDS);
        await admin.close();
      });
    }, 30_000);

    it('comes back when its channel closes on an error', async () => {
      await expectComesBackAfter(async () => {
        const ch = (commands as unknown as { channel: Channel }).channel;
        // An ack for a delivery the channel never had: the broker closes the channel (406).
        ch.ack({ fields: { deliveryTag: 999_999 } } as Parameters<Channel['ack']>[0]);
      });
    }, 30_000);
  });
});

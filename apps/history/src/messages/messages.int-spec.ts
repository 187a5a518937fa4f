import { INestApplication } from '@nestjs/common';
import { Channel, ConsumeMessage } from 'amqplib';
import {
  CommandInput,
  Commands,
  CommonErrorCode,
  ErrorCode,
  Events,
  Exchanges,
  HistoryErrorCode,
  Limits,
  MessageCreatedEvent,
  MessageView,
  RoutingKeys,
} from '@app/contracts';
import { decodeRoomFanout } from '@app/messaging';
import { AppException, uuidv7 } from '@app/common';
import { createTestDatabase, createTestVhost, eventually, Isolated } from '../../../../test/support/infra';
import { connectRpc } from '../../../../test/support/rpc';
import { startHistoryService } from '../index';

type Rpc = Awaited<ReturnType<typeof connectRpc>>;

interface Received {
  routingKey: string;
  event: MessageCreatedEvent;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('history service over RPC', () => {
  let db: Isolated;
  let vhost: Isolated;
  let app: INestApplication;
  let client: Rpc;
  let channel: Channel;
  let baseUrl: string;
  const roomId = uuidv7();
  const alice = uuidv7();
  const received: Received[] = [];

  const append = (input: Partial<CommandInput<typeof Commands.HISTORY_APPEND>> = {}) =>
    client.rpc.request(Commands.HISTORY_APPEND, {
      roomId,
      senderId: alice,
      clientMsgId: `c-${uuidv7()}`,
      kind: 'text',
      content: 'hello',
      ...input,
    });
  const page = (input: Partial<CommandInput<typeof Commands.HISTORY_PAGE>> = {}) =>
    client.rpc.request(Commands.HISTORY_PAGE, { roomId, limit: 50, ...input });

  async function errorCode(call: Promise<unknown>): Promise<{ code: ErrorCode; fields: string[] }> {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppException);
    const { code, details } = err as AppException;
    return { code, fields: (details ?? []).map((d) => d.field ?? '') };
  }

  beforeAll(async () => {
    [db, vhost] = await Promise.all([createTestDatabase('hc_history'), createTestVhost('hc_history')]);
    app = await startHistoryService({
      AMQP_URL: vhost.url,
      DATABASE_URL: db.url,
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      MONGO_URL: '',
    });
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    client = await connectRpc(vhost.url);
    // Our own queue on the test's connection, bound the way an inbox would see the room.
    channel = await client.amqp.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, Exchanges.ROOM_EVENTS, `room.${roomId}.#`);
    await channel.consume(
      queue,
      (msg: ConsumeMessage | null) => {
        if (msg)
          received.push({
            routingKey: msg.fields.routingKey,
            event: JSON.parse(msg.content.toString('utf8')),
          });
      },
      { noAck: true },
    );
  });

  afterAll(async () => {
    await channel?.close().catch(() => undefined);
    await client?.close();
    await app?.close();
    await Promise.all([db?.drop(), vhost?.drop()]);
  });

  describe('history.append', () => {
    let first: MessageView;
    const clientMsgId = 'retry-me-1';

    it('stores the first message of a room at seq 1 and announces it as message.created', async () => {
      const reply = await append({ clientMsgId, content: '안녕하세요 👋' });
      expect(reply.duplicate).toBe(false);
      first = reply.message;
      expect(first).toEqual({
        id: expect.stringMatching(UUID_V7),
        roomId,
        seq: 1,
        senderId: alice,
        kind: 'text',
        content: '안녕하세요 👋',
        clientMsgId,
        createdAt: expect.any(String),
        attachments: [],
        reactions: [],
      });
      expect(new Date(first.createdAt).toISOString()).toBe(first.createdAt);

      await eventually(() => received.length >= 1);
      expect(received).toHaveLength(1);
      expect(received[0].routingKey).toBe(`room.${roomId}.user.${alice}`);
      expect(received[0].event).toEqual({
        type: Events.MESSAGE_CREATED,
        v: 1,
        eventId: expect.stringMatching(UUID_V7),
        occurredAt: first.createdAt,
        message: first,
      });
    });

    it('answers a retry with the same message and duplicate: true, stores nothing, and announces it again', async () => {
      const reply = await append({ clientMsgId, content: '안녕하세요 👋' });
      expect(reply).toEqual({ message: first, duplicate: true });
      await eventually(() => received.length >= 2);
      expect(received[1].event.message).toEqual(first);
      // A new event id: the event is a new announcement; receivers dedupe by message id.
      expect(received[1].event.eventId).not.toBe(received[0].event.eventId);
      const { messages } = await page();
      expect(messages).toEqual([first]);
    });

    it('refuses the same clientMsgId with different content as history.idempotency_conflict', async () => {
      const { code } = await errorCode(append({ clientMsgId, content: 'something else' }));
      expect(code).toBe(HistoryErrorCode.IDEMPOTENCY_CONFLICT);
      expect((await page()).messages).toHaveLength(1);
    });

    it('numbers further messages 2, 3, ... and announces each', async () => {
      const before = received.length;
      const seqs: number[] = [];
      for (let i = 2; i <= 6; i++) seqs.push((await append({ content: `m${i}` })).message.seq);
      expect(seqs).toEqual([2, 3, 4, 5, 6]);
      await eventually(() => received.length >= before + 5);
      expect(received.slice(before).map((r) => r.event.message.seq)).toEqual([2, 3, 4, 5, 6]);
    });

    it('announces to gateways only when the room service says the room has no integration', async () => {
      const otherRoom = uuidv7();
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      await channel.bindQueue(queue, Exchanges.ROOM_EVENTS, `room.${otherRoom}.#`);
      await channel.bindQueue(queue, Exchanges.ROOM_FANOUT, RoutingKeys.roomFanout(otherRoom));
      const heard: string[] = [];
      await channel.consume(
        queue,
        (msg) => {
          if (!msg) return;
          if (msg.fields.exchange !== Exchanges.ROOM_FANOUT)
            heard.push(`${msg.fields.exchange} ${JSON.parse(msg.content.toString()).message.content}`);
          else
            for (const { roomId: room, raw } of decodeRoomFanout(msg.content).items)
              heard.push(`${msg.fields.exchange} ${room} ${JSON.parse(raw.toString()).message.content}`);
        },
        { noAck: true },
      );
      await append({ roomId: otherRoom, content: 'no bots here', roomHasIntegrations: false });
      await append({ roomId: otherRoom, content: 'a bot listens', roomHasIntegrations: true });
      await append({ roomId: otherRoom, content: 'nobody said' });
      await eventually(() => heard.length >= 5);
      await new Promise((r) => setTimeout(r, 100));
      // Each exchange in order; which of the two hears an event first is not promised.
      const on = (exchange: string) => heard.filter((h) => h.startsWith(`${exchange} `));
      expect(on(Exchanges.ROOM_FANOUT)).toEqual([
        `${Exchanges.ROOM_FANOUT} ${otherRoom} no bots here`,
        `${Exchanges.ROOM_FANOUT} ${otherRoom} a bot listens`,
        `${Exchanges.ROOM_FANOUT} ${otherRoom} nobody said`,
      ]);
      // Absent counts as true: a room service that does not say yet keeps integrations hearing.
      expect(on(Exchanges.ROOM_EVENTS)).toEqual([
        `${Exchanges.ROOM_EVENTS} a bot listens`,
        `${Exchanges.ROOM_EVENTS} nobody said`,
      ]);
    });
  });

  describe('history.page', () => {
    it('pages newest first by default, then backwards and forwards, always ascending', async () => {
      const latest = await page({ limit: 2 });
      expect({ seqs: latest.messages.map((m) => m.seq), hasMore: latest.hasMore }).toEqual({
        seqs: [5, 6],
        hasMore: true,
      });
      const older = await page({ beforeSeq: 5, limit: 10 });
      expect({ seqs: older.messages.map((m) => m.seq), hasMore: older.hasMore }).toEqual({
        seqs: [1, 2, 3, 4],
        hasMore: false,
      });
      const newer = await page({ afterSeq: 2, limit: 3 });
      expect({ seqs: newer.messages.map((m) => m.seq), hasMore: newer.hasMore }).toEqual({
        seqs: [3, 4, 5],
        hasMore: true,
      });
      const end = await page({ afterSeq: 5, limit: 3 });
      expect({ seqs: end.messages.map((m) => m.seq), hasMore: end.hasMore }).toEqual({
        seqs: [6],
        hasMore: false,
      });
    });

    it('answers views, not records: ISO strings for times', async () => {
      const { messages } = await page({ limit: 1, afterSeq: 0 });
      expect(messages[0]).toEqual({
        id: expect.stringMatching(UUID_V7),
        roomId,
        seq: 1,
        senderId: alice,
        kind: 'text',
        content: '안녕하세요 👋',
        clientMsgId: 'retry-me-1',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        attachments: [],
        reactions: [],
      });
    });

    it('answers an unknown room with an empty page', async () => {
      await expect(page({ roomId: uuidv7() })).resolves.toEqual({ messages: [], hasMore: false });
    });
  });

  describe('bad input gets a clear error code, never common.internal', () => {
    const cases: Array<[string, () => Promise<unknown>, ErrorCode, string[]]> = [
      ['limit 0', () => page({ limit: 0 }), CommonErrorCode.VALIDATION_FAILED, ['limit']],
      ['limit 10000', () => page({ limit: 10000 }), CommonErrorCode.VALIDATION_FAILED, ['limit']],
      [
        'a negative beforeSeq',
        () => page({ beforeSeq: -1 }),
        CommonErrorCode.VALIDATION_FAILED,
        ['beforeSeq'],
      ],
      ['a negative afterSeq', () => page({ afterSeq: -5 }), CommonErrorCode.VALIDATION_FAILED, ['afterSeq']],
      [
        'both cursors',
        () => page({ beforeSeq: 5, afterSeq: 1 }),
        HistoryErrorCode.INVALID_CURSOR,
        ['beforeSeq'],
      ],
      [
        'a non-uuid roomId (page)',
        () => page({ roomId: 'general' }),
        CommonErrorCode.VALIDATION_FAILED,
        ['roomId'],
      ],
      [
        'a non-uuid roomId (append)',
        () => append({ roomId: 'general' }),
        CommonErrorCode.VALIDATION_FAILED,
        ['roomId'],
      ],
      [
        'content of 100,001 characters',
        () => append({ content: 'x'.repeat(Limits.MESSAGE_MAX_CHARS + 1) }),
        CommonErrorCode.VALIDATION_FAILED,
        ['content'],
      ],
      [
        'a NUL in the content',
        () => append({ content: 'a\u0000b' }),
        CommonErrorCode.VALIDATION_FAILED,
        ['content'],
      ],
      [
        'an unknown kind',
        () => append({ kind: 'video' as CommandInput<typeof Commands.HISTORY_APPEND>['kind'] }),
        CommonErrorCode.VALIDATION_FAILED,
        ['kind'],
      ],
    ];

    it.each(cases)('%s', async (_name, call, code, fields) => {
      const result = await errorCode(call());
      expect(result.code).toBe(code);
      expect(result.code).not.toBe(CommonErrorCode.INTERNAL);
      expect(result.fields).toEqual(fields);
    });

    it('stored nothing for any of them', async () => {
      const { messages } = await page({ limit: 100 });
      expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    });
  });

  describe('health and metrics', () => {
    it('is ready, with the message store checked', async () => {
      const res = await fetch(`${baseUrl}/health/ready`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        status: 'ok',
        checks: { database: 'up', broker: 'up', 'history-store': 'up' },
      });
    });

    it('counts appends by outcome and times them', async () => {
      const text = await (await fetch(`${baseUrl}/metrics`)).text();
      expect(text).toMatch(/^happychat_history_appends_total\{result="stored"\} 9$/m);
      expect(text).toMatch(/^happychat_history_appends_total\{result="duplicate"\} 1$/m);
      // Only the idempotency conflict reaches the service; contract violations (a NUL included)
      // stop at the command layer.
      expect(text).toMatch(/^happychat_history_appends_total\{result="error"\} 1$/m);
      expect(text).toMatch(/^happychat_history_append_seconds_count 11$/m);
    });
  });
});

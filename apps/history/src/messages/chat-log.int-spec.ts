import { INestApplication } from '@nestjs/common';
import { Channel, ConsumeMessage } from 'amqplib';
import {
  CommandInput,
  Commands,
  CommonErrorCode,
  DomainEvent,
  Events,
  Exchanges,
  HistoryErrorCode,
  HistoryLimits,
  MessageView,
} from '@app/contracts';
import { AppException, uuidv7 } from '@app/common';
import { createTestDatabase, createTestVhost, eventually, Isolated } from '../../../../test/support/infra';
import { connectRpc } from '../../../../test/support/rpc';
import { startHistoryService } from '../index';
import { HISTORY_STORE, HistoryStore } from './store/history-store';

type Rpc = Awaited<ReturnType<typeof connectRpc>>;

/** Summaries and export pages do not load reactions, so the field is absent there. */
function withoutReactions(m: MessageView): MessageView {
  const copy = { ...m };
  delete copy.reactions;
  return copy;
}

interface Received {
  routingKey: string;
  event: DomainEvent;
}

/** Edits, deletes, reactions, replies, summaries, search, ranges, export pages and retention settings over RPC. */
describe('history service: the chat log over RPC', () => {
  let db: Isolated;
  let vhost: Isolated;
  let app: INestApplication;
  let client: Rpc;
  let channel: Channel;
  const received: Received[] = [];
  const alice = uuidv7();
  const bob = uuidv7();

  const append = (roomId: string, content: string, over: Partial<CommandInput<'history.append'>> = {}) =>
    client.rpc
      .request(Commands.HISTORY_APPEND, {
        roomId,
        senderId: alice,
        clientMsgId: `c-${uuidv7()}`,
        kind: 'text',
        content,
        ...over,
      })
      .then((r) => r.message);

  async function failure(call: Promise<unknown>): Promise<{ code: string; fields: string[] }> {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppException);
    const { code, details } = err as AppException;
    return { code, fields: (details ?? []).map((d) => d.field ?? '') };
  }

  const eventsOf = (type: string) => received.filter((r) => r.event.type === type);

  beforeAll(async () => {
    [db, vhost] = await Promise.all([
      createTestDatabase('hc_history_log'),
      createTestVhost('hc_history_log'),
    ]);
    app = await startHistoryService({
      AMQP_URL: vhost.url,
      DATABASE_URL: db.url,
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      MONGO_URL: '',
      MESSAGE_EDIT_WINDOW_SECONDS: '2',
    });
    client = await connectRpc(vhost.url);
    channel = await client.amqp.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, Exchanges.ROOM_EVENTS, 'room.#');
    await channel.consume(
      queue,
      (msg: ConsumeMessage | null) => {
        if (msg)
          received.push({ routingKey: msg.fields.routingKey, event: JSON.parse(msg.content.toString()) });
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

  describe('edit', () => {
    it('stores the author’s edit and announces message.edited keyed by the editor', async () => {
      const roomId = uuidv7();
      const original = await append(roomId, 'helo');
      const edited = await client.rpc.request(Commands.HISTORY_EDIT, {
        roomId,
        messageId: original.id,
        actorId: alice,
        content: 'hello',
      });
      expect(edited).toEqual({ ...original, content: 'hello', editedAt: expect.any(String), reactions: [] });
      await eventually(() => eventsOf(Events.MESSAGE_EDITED).length >= 1);
      expect(eventsOf(Events.MESSAGE_EDITED)[0]).toEqual({
        routingKey: `room.${roomId}.user.${alice}`,
        event: {
          type: Events.MESSAGE_EDITED,
          v: 1,
          eventId: expect.any(String),
          occurredAt: edited.editedAt,
          message: edited,
        },
      });
    });

    it('refuses another member, and the author once the window (2 s here) has passed', async () => {
      const roomId = uuidv7();
      const m = await append(roomId, 'typo');
      const edit = (actorId: string) =>
        client.rpc.request(Commands.HISTORY_EDIT, { roomId, messageId: m.id, actorId, content: 'fixed' });
      expect((await failure(edit(bob))).code).toBe(HistoryErrorCode.NOT_AUTHOR);
      await new Promise((r) => setTimeout(r, 2100));
      expect((await failure(edit(alice))).code).toBe(HistoryErrorCode.EDIT_WINDOW_CLOSED);
    });
  });

  describe('delete', () => {
    it('turns the message into a tombstone for a moderator and announces message.deleted with who did it', async () => {
      const roomId = uuidv7();
      const m = await append(roomId, 'something regrettable');
      const moderator = uuidv7();
      const tombstone = await client.rpc.request(Commands.HISTORY_DELETE, {
        roomId,
        messageId: m.id,
        actorId: moderator,
        moderator: true,
      });
      expect(tombstone).toEqual({ ...m, content: '', deletedAt: expect.any(String), reactions: [] });
      await eventually(() => eventsOf(Events.MESSAGE_DELETED).length >= 1);
      expect(eventsOf(Events.MESSAGE_DELETED)[0]).toMatchObject({
        routingKey: `room.${roomId}.user.${moderator}`,
        event: { message: tombstone, deletedBy: moderator },
      });
      const page = await client.rpc.request(Commands.HISTORY_PAGE, { roomId, limit: 10 });
      expect(page.messages.map((x) => [x.seq, x.content, !!x.deletedAt])).toEqual([[1, '', true]]);
    });

    it('refuses a member who is neither author nor moderator', async () => {
      const roomId = uuidv7();
      const m = await append(roomId, 'mine');
      const call = client.rpc.request(Commands.HISTORY_DELETE, {
        roomId,
        messageId: m.id,
        actorId: bob,
        moderator: false,
      });
      expect((await failure(call)).code).toBe(HistoryErrorCode.NOT_AUTHOR);
    });
  });

  describe('reactions', () => {
    it('adds and removes idempotently, answering counts and announcing each change', async () => {
      const roomId = uuidv7();
      const m = await append(roomId, 'react to me');
      const input = { roomId, messageId: m.id, userId: bob, emoji: '👍🏽' };
      const before = eventsOf(Events.MESSAGE_REACTION_CHANGED).length;
      expect(await client.rpc.request(Commands.HISTORY_REACTION_ADD, input)).toEqual({
        roomId,
        messageId: m.id,
        reactions: [{ emoji: '👍🏽', count: 1, me: true }],
      });
      await client.rpc.request(Commands.HISTORY_REACTION_ADD, input);
      const page = await client.rpc.request(Commands.HISTORY_PAGE, { roomId, limit: 1, viewerId: alice });
      expect(page.messages[0].reactions).toEqual([{ emoji: '👍🏽', count: 1, me: false }]);
      expect(await client.rpc.request(Commands.HISTORY_REACTION_REMOVE, input)).toMatchObject({
        reactions: [],
      });
      await eventually(() => eventsOf(Events.MESSAGE_REACTION_CHANGED).length >= before + 3);
      expect(eventsOf(Events.MESSAGE_REACTION_CHANGED).slice(before)).toEqual([
        expect.objectContaining({
          routingKey: `room.${roomId}.user.${bob}`,
          event: expect.objectContaining({
            op: 'added',
            emoji: '👍🏽',
            reactions: [{ emoji: '👍🏽', count: 1 }],
          }),
        }),
        expect.objectContaining({ event: expect.objectContaining({ op: 'added' }) }),
        expect.objectContaining({ event: expect.objectContaining({ op: 'removed', reactions: [] }) }),
      ]);
    });

    it.each(['', 'ok', '👍👍', 'a'.repeat(80), ':Nope:'])(
      'refuses the emoji %p at the contract',
      async (emoji) => {
        const call = client.rpc.request(Commands.HISTORY_REACTION_ADD, {
          roomId: uuidv7(),
          messageId: uuidv7(),
          userId: bob,
          emoji,
        });
        expect(await failure(call)).toEqual({ code: CommonErrorCode.VALIDATION_FAILED, fields: ['emoji'] });
      },
    );
  });

  describe('replies and around', () => {
    it('refuses a reply to, or a page around, a message of another room', async () => {
      const [room1, room2] = [uuidv7(), uuidv7()];
      const elsewhere = await append(room2, 'over there');
      expect(await failure(append(room1, 'answer', { replyToId: elsewhere.id }))).toEqual({
        code: HistoryErrorCode.MESSAGE_NOT_FOUND,
        fields: ['replyToId'],
      });
      const mine = await append(room1, 'here');
      const reply = await append(room1, 'answer', { replyToId: mine.id });
      expect(reply.replyToId).toBe(mine.id);
      expect(
        await failure(
          client.rpc.request(Commands.HISTORY_PAGE, { roomId: room1, aroundId: elsewhere.id, limit: 5 }),
        ),
      ).toEqual({ code: HistoryErrorCode.MESSAGE_NOT_FOUND, fields: ['aroundId'] });
      const around = await client.rpc.request(Commands.HISTORY_PAGE, {
        roomId: room1,
        aroundId: mine.id,
        limit: 5,
      });
      expect(around).toEqual({
        messages: [expect.objectContaining({ id: mine.id }), expect.objectContaining({ id: reply.id })],
        hasMore: false,
        hasMoreBefore: false,
        hasMoreAfter: false,
      });
    });
  });

  describe('summary, search, range, export, retention', () => {
    let roomA: string;
    let roomB: string;
    let said: MessageView[];

    beforeAll(async () => {
      [roomA, roomB] = [uuidv7(), uuidv7()];
      said = [];
      for (const text of ['회의 시작합니다', 'Meeting notes (draft)', '100% done_ok'])
        said.push(await append(roomA, text));
      said.push(await append(roomB, '회의록 올렸어요'));
    });

    it('summarises rooms in one call', async () => {
      const empty = uuidv7();
      expect(await client.rpc.request(Commands.HISTORY_SUMMARY, { roomIds: [roomA, empty, roomB] })).toEqual({
        rooms: [
          { roomId: roomA, lastSeq: 3, lastMessage: withoutReactions(said[2]) },
          { roomId: empty, lastSeq: 0 },
          { roomId: roomB, lastSeq: 1, lastMessage: withoutReactions(said[3]) },
        ],
      });
      const tooMany = Array.from({ length: HistoryLimits.SUMMARY_ROOMS_MAX + 1 }, () => uuidv7());
      expect(await failure(client.rpc.request(Commands.HISTORY_SUMMARY, { roomIds: tooMany }))).toEqual({
        code: CommonErrorCode.VALIDATION_FAILED,
        fields: ['roomIds'],
      });
    });

    it('tells reads what they cover, the reads of one batch in one store query, a bad read failing alone', async () => {
      const store = app.get<HistoryStore>(HISTORY_STORE);
      const spy = jest.spyOn(store, 'readSpans');
      try {
        const span = (roomId: string, afterSeq: number, seq: number) =>
          client.rpc.request(Commands.HISTORY_READ_SPAN, { roomId, afterSeq, seq });
        const [first, rest, ahead, bad] = await Promise.all([
          span(roomA, 0, 1),
          span(roomA, 1, 3),
          span(roomB, 0, 99),
          failure(span('not-a-room', 0, 1)),
        ]);
        expect(first).toEqual({ upTo: 1, authors: [alice] });
        expect(rest).toEqual({ upTo: 3, authors: [alice] });
        expect(ahead).toEqual({ upTo: 1, authors: [alice] });
        expect(bad).toEqual({ code: CommonErrorCode.VALIDATION_FAILED, fields: ['roomId'] });
        expect(spy).toHaveBeenCalledTimes(1);
        expect(spy.mock.calls[0][0]).toHaveLength(3);
      } finally {
        spy.mockRestore();
      }
    });

    it('searches the rooms given, newest first, literally', async () => {
      const search = (query: string, roomIds = [roomA, roomB], limit = 10) =>
        client.rpc.request(Commands.HISTORY_SEARCH, {
          rooms: roomIds.map((roomId) => ({ roomId })),
          query,
          limit,
          viewerId: alice,
        });
      const hits = await search('회의');
      expect(hits.messages.map((m) => [m.roomId, m.content])).toEqual([
        [roomB, '회의록 올렸어요'],
        [roomA, '회의 시작합니다'],
      ]);
      expect(hits).toMatchObject({ hasMore: false });
      const firstPage = await search('회의', [roomA, roomB], 1);
      expect(firstPage).toMatchObject({ hasMore: true, nextBeforeId: said[3].id });
      expect((await search('(draft)')).messages.map((m) => m.content)).toEqual(['Meeting notes (draft)']);
      expect((await search('0% d')).messages.map((m) => m.content)).toEqual(['100% done_ok']);
      expect((await search('.*')).messages).toEqual([]);
      expect((await search('회의', [roomA])).messages.map((m) => m.content)).toEqual(['회의 시작합니다']);
    });

    it('refuses a 10 KB query and a blank one at the contract', async () => {
      for (const query of ['x'.repeat(10 * 1024), '   ']) {
        const call = client.rpc.request(Commands.HISTORY_SEARCH, {
          rooms: [{ roomId: roomA }],
          query,
          limit: 5,
        });
        expect(await failure(call)).toEqual({ code: CommonErrorCode.VALIDATION_FAILED, fields: ['query'] });
      }
    });

    it('answers a date range ascending, and refuses an inverted one', async () => {
      const from = said[1].createdAt;
      const to = new Date(Date.now() + 60_000).toISOString();
      const page = await client.rpc.request(Commands.HISTORY_RANGE, {
        roomId: roomA,
        from,
        to,
        limit: 10,
        includeDeleted: false,
      });
      expect(page.messages.map((m) => m.id)).toEqual([said[1].id, said[2].id]);
      const inverted = client.rpc.request(Commands.HISTORY_RANGE, {
        roomId: roomA,
        from: to,
        to: from,
        limit: 10,
        includeDeleted: false,
      });
      expect((await failure(inverted)).code).toBe(HistoryErrorCode.INVALID_RANGE);
      const notATime = client.rpc.request(Commands.HISTORY_RANGE, {
        roomId: roomA,
        from: 'yesterday',
        to,
        limit: 10,
        includeDeleted: false,
      });
      expect(await failure(notATime)).toEqual({ code: CommonErrorCode.VALIDATION_FAILED, fields: ['from'] });
    });

    it('hands out export pages', async () => {
      const page = await client.rpc.request(Commands.HISTORY_EXPORT_PAGE, {
        roomId: roomA,
        afterSeq: 1,
        limit: 1000,
      });
      expect(page).toEqual({
        messages: [withoutReactions(said[1]), withoutReactions(said[2])],
        hasMore: false,
      });
    });

    it('keeps a per-room retention setting', async () => {
      expect(await client.rpc.request(Commands.HISTORY_RETENTION_GET, { roomId: roomA })).toEqual({
        roomId: roomA,
        days: null,
      });
      expect(await client.rpc.request(Commands.HISTORY_RETENTION_SET, { roomId: roomA, days: 30 })).toEqual({
        roomId: roomA,
        days: 30,
      });
      expect(await client.rpc.request(Commands.HISTORY_RETENTION_SET, { roomId: roomA, days: null })).toEqual(
        {
          roomId: roomA,
          days: null,
        },
      );
      expect(
        await failure(client.rpc.request(Commands.HISTORY_RETENTION_SET, { roomId: roomA, days: -1 })),
      ).toEqual({ code: CommonErrorCode.VALIDATION_FAILED, fields: ['days'] });
    });
  });
});

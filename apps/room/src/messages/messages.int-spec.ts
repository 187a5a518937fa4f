import { INestApplication } from '@nestjs/common';
import {
  AppendMessageCommand,
  Commands,
  CommonErrorCode,
  HistoryCommands,
  HistoryErrorCode,
  HistoryLimits,
  MessageView,
  Queues,
  RoomErrorCode,
  RoomView,
} from '@app/contracts';
import { AppException, uuidv7 } from '@app/common';
import { AmqpConnection, CommandServer, RpcClient } from '@app/messaging';
import { createTestDatabase, createTestVhost, eventually, Isolated } from '../../../../test/support/infra';
import { connectRpc } from '../../../../test/support/rpc';
import { startRoomService } from '../index';

const CONFLICTING_CLIENT_MSG_ID = 'conflict-1';

type Call = { type: string } & Record<string, unknown>;

/**
 * Stands in for the history service on the real broker: it records every command the room service
 * sends it and answers plausibly. The room service, the policy point, is what is under test.
 */
class HistoryStub {
  readonly calls: Call[] = [];
  /** Every system message appended, never cleared (the audit log's announcements arrive on their own time). */
  readonly systemMessages: Call[] = [];
  readonly correlationIds: Array<string | undefined> = [];
  /** Who wrote the message a pre-read around a message id finds. */
  authorOfAround = uuidv7();
  private seq = 0;

  register(server: CommandServer): void {
    for (const type of Object.values(HistoryCommands)) {
      server.register(type, async (p, meta) => {
        const cmd = { ...(p as Call) };
        this.calls.push(cmd);
        if (cmd.type === Commands.HISTORY_APPEND && cmd.kind === 'system') this.systemMessages.push(cmd);
        this.correlationIds.push(meta.correlationId);
        return this.answer(cmd);
      });
    }
  }

  of(type: string): Call[] {
    return this.calls.filter((c) => c.type === type);
  }

  private answer(cmd: Call): unknown {
    const roomId = cmd.roomId as string;
    switch (cmd.type) {
      case Commands.HISTORY_APPEND: {
        const append = cmd as unknown as AppendMessageCommand;
        if (append.clientMsgId === CONFLICTING_CLIENT_MSG_ID) {
          throw new AppException(
            HistoryErrorCode.IDEMPOTENCY_CONFLICT,
            'clientMsgId reused with other content',
          );
        }
        return {
          message: this.message(roomId, append.senderId, append.clientMsgId, append.content),
          duplicate: false,
        };
      }
      case Commands.HISTORY_PAGE:
        return {
          messages: [this.message(roomId, cmd.aroundId ? this.authorOfAround : uuidv7(), 'c-page', 'hello')],
          hasMore: false,
        };
      case Commands.HISTORY_RANGE:
      case Commands.HISTORY_EXPORT_PAGE:
        return { messages: [], hasMore: false };
      case Commands.HISTORY_EDIT:
        return {
          ...this.message(roomId, cmd.actorId as string, 'c', cmd.content as string),
          editedAt: new Date().toISOString(),
        };
      case Commands.HISTORY_DELETE:
        return { ...this.message(roomId, this.authorOfAround, 'c', ''), deletedAt: new Date().toISOString() };
      case Commands.HISTORY_REACTION_ADD:
      case Commands.HISTORY_REACTION_REMOVE:
        return { roomId, messageId: cmd.messageId, reactions: [] };
      case Commands.HISTORY_SUMMARY:
        return { rooms: (cmd.roomIds as string[]).map((id) => ({ roomId: id, lastSeq: 0 })) };
      case Commands.HISTORY_SEARCH:
        return { messages: [], hasMore: false };
      case Commands.HISTORY_RETENTION_GET:
        return { roomId, days: null };
      case Commands.HISTORY_RETENTION_SET:
        return { roomId, days: cmd.days };
      default:
        throw new Error(`unexpected ${cmd.type}`);
    }
  }

  private message(roomId: string, senderId: string, clientMsgId: string, content: string): MessageView {
    return {
      id: uuidv7(),
      roomId,
      seq: ++this.seq,
      senderId,
      kind: 'text',
      content,
      clientMsgId,
      createdAt: new Date().toISOString(),
    };
  }
}

const strip = ({ type: _t, v: _v, ...rest }: Call) =>
  Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));

describe('room service: messages (real PostgreSQL + RabbitMQ, history stubbed on the broker)', () => {
  let db: Isolated;
  let vhost: Isolated;
  let app: INestApplication;
  let client: { rpc: RpcClient; amqp: AmqpConnection; close(): Promise<void> };
  let rpc: RpcClient;
  let historyAmqp: AmqpConnection;
  const history = new HistoryStub();
  let owner: string;
  let admin: string;
  let member: string;
  let room: RoomView;

  const send = (actorId: string, roomId: string, clientMsgId = uuidv7(), content = 'hi there') =>
    rpc.request(Commands.MESSAGE_SEND, { actorId, roomId, clientMsgId, kind: 'text', content });

  async function metricsText(): Promise<string> {
    return (await fetch(`${await app.getUrl()}/metrics`)).text();
  }

  async function admit(userId: string, name: string): Promise<void> {
    const link = await rpc.request(Commands.ROOM_INVITE_LINK_CREATE, { actorId: owner, roomId: room.id });
    await rpc.request(Commands.ROOM_JOIN, {
      actorId: userId,
      actorName: name,
      roomId: room.id,
      inviteToken: link.token as string,
    });
  }

  beforeAll(async () => {
    [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
    historyAmqp = new AmqpConnection(vhost.url, 'history-stub');
    await historyAmqp.start();
    const server = new CommandServer(historyAmqp, Queues.HISTORY_COMMANDS, 8);
    history.register(server);
    await server.start();
    app = await startRoomService({
      DATABASE_URL: db.url,
      AMQP_URL: vhost.url,
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      SEND_RATE_PER_SECOND: '10000',
      SEND_BURST: '100000',
    });
    client = await connectRpc(vhost.url);
    rpc = client.rpc;
    [owner, admin, member] = [uuidv7(), uuidv7(), uuidv7()];
    room = await rpc.request(Commands.ROOM_CREATE, {
      actorId: owner,
      actorName: 'Olga',
      kind: 'group',
      name: 'Chat',
    });
    await admit(admin, 'Ada');
    await admit(member, 'Bob');
    await rpc.request(Commands.ROOM_MEMBER_ROLE_SET, {
      actorId: owner,
      roomId: room.id,
      userId: admin,
      role: 'admin',
    });
  });

  beforeEach(() => {
    history.calls.length = 0;
    history.correlationIds.length = 0;
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
    await historyAmqp?.stop();
    await Promise.all([db?.drop(), vhost?.drop()]);
  });

  describe('message.send', () => {
    it('hands a member’s message to history as is and answers with its result', async () => {
      const content = 'Grüße 👋 from the room';
      const result = await send(owner, room.id, 'client-1', content);
      expect(history.calls.map(strip)).toEqual([
        {
          roomId: room.id,
          senderId: owner,
          clientMsgId: 'client-1',
          kind: 'text',
          content,
          roomHasIntegrations: false,
        },
      ]);
      expect(result).toEqual({
        duplicate: false,
        message: expect.objectContaining({
          roomId: room.id,
          senderId: owner,
          content,
          clientMsgId: 'client-1',
        }),
      });
      await expect(metricsText()).resolves.toMatch(/happychat_room_messages_sent_total\{result="ok"\} [1-9]/);
    });

    it('passes a reply target on', async () => {
      const replyToId = uuidv7();
      await rpc.request(Commands.MESSAGE_SEND, {
        actorId: member,
        roomId: room.id,
        clientMsgId: 'reply-1',
        kind: 'text',
        content: 'yes!',
        replyToId,
      });
      expect(history.of(Commands.HISTORY_APPEND)[0]).toMatchObject({ replyToId, senderId: member });
    });

    it('carries the caller’s correlation id on to history', async () => {
      await rpc.request(
        Commands.MESSAGE_SEND,
        { actorId: owner, roomId: room.id, clientMsgId: 'traced', kind: 'text', content: 'x' },
        { correlationId: 'trace-42' },
      );
      expect(history.correlationIds).toEqual(['trace-42']);
    });

    it('refuses a non-member, and history never hears of it', async () => {
      const stranger = uuidv7();
      await expect(send(stranger, room.id)).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });
      await expect(
        rpc.request(Commands.MESSAGE_LIST, { actorId: stranger, roomId: room.id }),
      ).rejects.toMatchObject({
        code: RoomErrorCode.NOT_MEMBER,
      });
      expect(history.calls).toEqual([]);
      await expect(metricsText()).resolves.toMatch(
        /happychat_room_messages_sent_total\{result="refused"\} [1-9]/,
      );
    });

    it('answers room.not_found for a room that does not exist', async () => {
      const missing = uuidv7();
      await expect(send(owner, missing)).rejects.toMatchObject({ code: RoomErrorCode.NOT_FOUND });
      await expect(
        rpc.request(Commands.MESSAGE_LIST, { actorId: owner, roomId: missing }),
      ).rejects.toMatchObject({
        code: RoomErrorCode.NOT_FOUND,
      });
      expect(history.calls).toEqual([]);
    });

    it('passes history’s refusals back unchanged', async () => {
      await expect(send(owner, room.id, CONFLICTING_CLIENT_MSG_ID)).rejects.toMatchObject({
        code: HistoryErrorCode.IDEMPOTENCY_CONFLICT,
        message: 'clientMsgId reused with other content',
      });
    });

    it.each([
      ['a non-uuid room', { roomId: 'not-a-uuid' }, 'roomId'],
      ['blank content', { content: ' \n ' }, 'content'],
      ['a kind other than text', { kind: 'system' as 'text' }, 'kind'],
      ['a non-ASCII clientMsgId', { clientMsgId: 'é' }, 'clientMsgId'],
      ['a reply target that is not a UUID', { replyToId: 'msg-1' }, 'replyToId'],
    ])('refuses message.send with %s', async (_what, patch, field) => {
      const call = rpc.request(Commands.MESSAGE_SEND, {
        actorId: owner,
        roomId: room.id,
        clientMsgId: 'c',
        kind: 'text',
        content: 'hi',
        ...patch,
      });
      await expect(call).rejects.toMatchObject({
        code: CommonErrorCode.VALIDATION_FAILED,
        details: expect.arrayContaining([expect.objectContaining({ field })]),
      });
      expect(history.calls).toEqual([]);
    });
  });

  describe('message.list', () => {
    it('asks history for a page with the default limit and the viewer, and passes the cursor on', async () => {
      const page = await rpc.request(Commands.MESSAGE_LIST, { actorId: member, roomId: room.id });
      expect(page).toEqual({
        messages: [expect.objectContaining({ roomId: room.id, content: 'hello' })],
        hasMore: false,
      });
      const aroundId = uuidv7();
      await rpc.request(Commands.MESSAGE_LIST, { actorId: member, roomId: room.id, beforeSeq: 10, limit: 5 });
      await rpc.request(Commands.MESSAGE_LIST, { actorId: member, roomId: room.id, afterSeq: 0 });
      await rpc.request(Commands.MESSAGE_LIST, { actorId: member, roomId: room.id, aroundId, limit: 9 });
      expect(history.calls.map(strip)).toEqual([
        { roomId: room.id, limit: 50, viewerId: member },
        { roomId: room.id, beforeSeq: 10, limit: 5, viewerId: member },
        { roomId: room.id, afterSeq: 0, limit: 50, viewerId: member },
        { roomId: room.id, aroundId, limit: 9, viewerId: member },
      ]);
    });

    it('pages a date window through history.range, tombstones included, continuing with afterSeq', async () => {
      const from = '2026-01-01T00:00:00.000Z';
      const to = '2026-01-04T00:00:00.000Z';
      await rpc.request(Commands.MESSAGE_LIST, { actorId: member, roomId: room.id, from, to });
      await rpc.request(Commands.MESSAGE_LIST, {
        actorId: member,
        roomId: room.id,
        from,
        to,
        afterSeq: 120,
        limit: 20,
      });
      expect(history.calls.map((c) => [c.type, strip(c)])).toEqual([
        [
          Commands.HISTORY_RANGE,
          { roomId: room.id, from, to, limit: 50, includeDeleted: true, viewerId: member },
        ],
        [
          Commands.HISTORY_RANGE,
          { roomId: room.id, from, to, afterSeq: 120, limit: 20, includeDeleted: true, viewerId: member },
        ],
      ]);
    });

    it.each([
      ['two cursors', { beforeSeq: 10, afterSeq: 2 }],
      ['a cursor and aroundId', { afterSeq: 2, aroundId: '0190f5c2-7c1a-7000-8000-000000000001' }],
      ['from without to', { from: '2026-01-01T00:00:00Z' }],
      ['a window and beforeSeq', { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', beforeSeq: 3 }],
      ['a limit beyond the page maximum', { limit: 101 }],
      ['a limit of 0', { limit: 0 }],
      ['a negative seq', { beforeSeq: -1 }],
      ['a time that is not ISO 8601', { from: 'yesterday', to: '2026-01-02T00:00:00Z' }],
    ])('refuses %s before asking history', async (_what, patch) => {
      await expect(
        rpc.request(Commands.MESSAGE_LIST, { actorId: member, roomId: room.id, ...patch }),
      ).rejects.toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED });
      expect(history.calls).toEqual([]);
    });
  });

  describe('edit, delete, reactions', () => {
    const ref = () => ({ roomId: room.id, messageId: uuidv7() });

    it('lets any member ask to edit (history allows the author alone), and refuses non-members', async () => {
      const r = ref();
      await rpc.request(Commands.MESSAGE_EDIT, { actorId: member, ...r, content: 'fixed' });
      expect(history.calls.map(strip)).toEqual([{ ...r, actorId: member, content: 'fixed' }]);
      await expect(
        rpc.request(Commands.MESSAGE_EDIT, { actorId: uuidv7(), ...r, content: 'x' }),
      ).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });
    });

    it('deletes as author for a member, as moderator for the owner and admins, auditing moderators', async () => {
      for (const [actorId, moderator] of [
        [member, false],
        [admin, true],
        [owner, true],
      ] as const) {
        history.calls.length = 0;
        const r = ref();
        const tombstone = await rpc.request(Commands.MESSAGE_DELETE, { actorId, ...r });
        expect(tombstone).toMatchObject({ content: '', deletedAt: expect.any(String) });
        expect(history.of(Commands.HISTORY_DELETE).map(strip)).toEqual([{ ...r, actorId, moderator }]);
      }
      // Two moderators removed someone else's message: the room's audit log announces both (as
      // system messages through history), and nothing is left in flight for the next test.
      await eventually(
        () => history.systemMessages.filter((c) => /deleted a message/.test(String(c.content))).length === 2,
      );
      history.calls.length = 0;
    });

    it('adds and removes reactions as the actor', async () => {
      const r = ref();
      await rpc.request(Commands.MESSAGE_REACTION_ADD, { actorId: member, ...r, emoji: '🎉' });
      await rpc.request(Commands.MESSAGE_REACTION_REMOVE, { actorId: member, ...r, emoji: '🎉' });
      expect(
        history.calls.filter((c) => c.type !== Commands.HISTORY_APPEND).map((c) => [c.type, strip(c)]),
      ).toEqual([
        [Commands.HISTORY_REACTION_ADD, { ...r, userId: member, emoji: '🎉' }],
        [Commands.HISTORY_REACTION_REMOVE, { ...r, userId: member, emoji: '🎉' }],
      ]);
    });

    it('refuses a bad emoji and non-members', async () => {
      await expect(
        rpc.request(Commands.MESSAGE_REACTION_ADD, { actorId: member, ...ref(), emoji: 'lol' }),
      ).rejects.toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED });
      await expect(
        rpc.request(Commands.MESSAGE_REACTION_ADD, { actorId: uuidv7(), ...ref(), emoji: '👍' }),
      ).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });
      expect(history.calls).toEqual([]);
    });
  });

  describe('search, summary, replay', () => {
    it('searches one room for a member, and every room of the actor without a roomId', async () => {
      await rpc.request(Commands.MESSAGE_SEARCH, { actorId: member, roomId: room.id, query: '회의' });
      const second = await rpc.request(Commands.ROOM_CREATE, {
        actorId: member,
        actorName: 'Bob',
        kind: 'group',
        name: 'Bob’s',
      });
      await rpc.request(Commands.MESSAGE_SEARCH, { actorId: member, query: 'hello', limit: 5 });
      const [one, all] = history.of(Commands.HISTORY_SEARCH).map(strip);
      expect(one).toEqual({
        rooms: [{ roomId: room.id }],
        query: '회의',
        limit: HistoryLimits.SEARCH_PAGE_DEFAULT,
        viewerId: member,
      });
      expect(all).toMatchObject({ query: 'hello', limit: 5, viewerId: member });
      expect((all.rooms as Array<{ roomId: string }>).map((r) => r.roomId).sort()).toEqual(
        [room.id, second.id].sort(),
      );
    });

    it('refuses a search of someone else’s room, a blank query and 10 KB of text', async () => {
      await expect(
        rpc.request(Commands.MESSAGE_SEARCH, { actorId: uuidv7(), roomId: room.id, query: 'x' }),
      ).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });
      for (const query of [' ', 'y'.repeat(10 * 1024)]) {
        await expect(
          rpc.request(Commands.MESSAGE_SEARCH, { actorId: member, roomId: room.id, query }),
        ).rejects.toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED });
      }
      expect(history.calls).toEqual([]);
    });

    it('answers an empty search for someone in no rooms without asking history', async () => {
      await expect(rpc.request(Commands.MESSAGE_SEARCH, { actorId: uuidv7(), query: 'x' })).resolves.toEqual({
        messages: [],
        hasMore: false,
      });
      expect(history.calls).toEqual([]);
    });

    it('summarises every room of the actor in one history call', async () => {
      const summary = await rpc.request(Commands.MESSAGE_SUMMARY, { actorId: owner });
      expect(summary).toEqual({ rooms: [{ roomId: room.id, lastSeq: 0 }] });
      expect(history.calls.map(strip)).toEqual([{ roomIds: [room.id] }]);
    });

    it('replays a time range without tombstones', async () => {
      const from = '2026-01-01T10:00:00.000Z';
      const to = '2026-01-01T11:00:00.000Z';
      await rpc.request(Commands.MESSAGE_REPLAY, { actorId: member, roomId: room.id, from, to });
      expect(history.calls.map(strip)).toEqual([
        {
          roomId: room.id,
          from,
          to,
          limit: HistoryLimits.RANGE_PAGE_DEFAULT,
          includeDeleted: false,
          viewerId: member,
        },
      ]);
    });
  });

  describe('export and retention: the owner only', () => {
    it('names the room for an export, and hands out pages, to the owner', async () => {
      await expect(
        rpc.request(Commands.MESSAGE_EXPORT_BEGIN, { actorId: owner, roomId: room.id }),
      ).resolves.toEqual({
        roomId: room.id,
        roomName: 'Chat',
        creatorId: owner,
      });
      await rpc.request(Commands.MESSAGE_EXPORT_PAGE, { actorId: owner, roomId: room.id, afterSeq: 0 });
      expect(history.calls.map(strip)).toEqual([
        { roomId: room.id, afterSeq: 0, limit: HistoryLimits.EXPORT_PAGE_MAX },
      ]);
    });

    it.each([
      ['an admin', () => admin],
      ['a member', () => member],
    ])('refuses %s an export and a retention change', async (_who, actor) => {
      for (const call of [
        () => rpc.request(Commands.MESSAGE_EXPORT_BEGIN, { actorId: actor(), roomId: room.id }),
        () => rpc.request(Commands.MESSAGE_EXPORT_PAGE, { actorId: actor(), roomId: room.id, afterSeq: 0 }),
        () => rpc.request(Commands.MESSAGE_RETENTION_SET, { actorId: actor(), roomId: room.id, days: 1 }),
      ]) {
        await expect(call()).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
      }
      expect(history.calls).toEqual([]);
    });

    it('lets members read the retention setting and the owner change it', async () => {
      await expect(
        rpc.request(Commands.MESSAGE_RETENTION_GET, { actorId: member, roomId: room.id }),
      ).resolves.toEqual({
        roomId: room.id,
        days: null,
      });
      await expect(
        rpc.request(Commands.MESSAGE_RETENTION_SET, { actorId: owner, roomId: room.id, days: 30 }),
      ).resolves.toEqual({ roomId: room.id, days: 30 });
      await expect(
        rpc.request(Commands.MESSAGE_RETENTION_SET, { actorId: owner, roomId: room.id, days: 1.5 }),
      ).rejects.toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED });
    });
  });
});

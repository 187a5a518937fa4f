import { INestApplication } from '@nestjs/common';
import {
  AppendMessageCommand,
  Commands,
  CommonErrorCode,
  HistoryErrorCode,
  MessageView,
  PageMessagesCommand,
  Queues,
  RoomErrorCode,
  RoomView,
} from '@app/contracts';
import { AppException, uuidv7 } from '@app/common';
import { AmqpConnection, CommandServer, RpcClient } from '@app/messaging';
import { createTestDatabase, createTestVhost, Isolated } from '../../../../test/support/infra';
import { connectRpc } from '../../../../test/support/rpc';
import { startRoomService } from '../index';

const CONFLICTING_CLIENT_MSG_ID = 'conflict-1';

/**
 * Stands in for the history service on the real broker: it records what the room service asked
 * and answers plausibly. The room service is what is under test.
 */
class HistoryStub {
  readonly appends: AppendMessageCommand[] = [];
  readonly pages: PageMessagesCommand[] = [];
  readonly correlationIds: Array<string | undefined> = [];
  private seq = 0;

  register(server: CommandServer): void {
    server.register(Commands.HISTORY_APPEND, async (p, meta) => {
      const cmd = p as AppendMessageCommand;
      this.appends.push({ ...cmd });
      this.correlationIds.push(meta.correlationId);
      if (cmd.clientMsgId === CONFLICTING_CLIENT_MSG_ID) {
        throw new AppException(
          HistoryErrorCode.IDEMPOTENCY_CONFLICT,
          'clientMsgId reused with other content',
        );
      }
      return {
        message: this.message(cmd.roomId, cmd.senderId, cmd.clientMsgId, cmd.content),
        duplicate: false,
      };
    });
    server.register(Commands.HISTORY_PAGE, async (p) => {
      const cmd = p as PageMessagesCommand;
      this.pages.push({ ...cmd });
      return { messages: [this.message(cmd.roomId, uuidv7(), 'c-page', 'hello')], hasMore: false };
    });
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

describe('room service: messages (real PostgreSQL + RabbitMQ, history stubbed on the broker)', () => {
  let db: Isolated;
  let vhost: Isolated;
  let app: INestApplication;
  let client: { rpc: RpcClient; amqp: AmqpConnection; close(): Promise<void> };
  let rpc: RpcClient;
  let historyAmqp: AmqpConnection;
  const history = new HistoryStub();
  let owner: string;
  let room: RoomView;

  const send = (actorId: string, roomId: string, clientMsgId = uuidv7(), content = 'hi there') =>
    rpc.request(Commands.MESSAGE_SEND, { actorId, roomId, clientMsgId, kind: 'text', content });

  async function metricsText(): Promise<string> {
    return (await fetch(`${await app.getUrl()}/metrics`)).text();
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
    });
    client = await connectRpc(vhost.url);
    rpc = client.rpc;
    owner = uuidv7();
    room = await rpc.request(Commands.ROOM_CREATE, {
      actorId: owner,
      actorName: 'Olga',
      kind: 'group',
      name: 'Chat',
    });
  });

  beforeEach(() => {
    history.appends.length = 0;
    history.pages.length = 0;
    history.correlationIds.length = 0;
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
    await historyAmqp?.stop();
    await Promise.all([db?.drop(), vhost?.drop()]);
  });

  it('hands a member’s message to history as is and answers with its result', async () => {
    const content = 'Grüße 👋 from the room';
    const result = await send(owner, room.id, 'client-1', content);
    expect(history.appends).toEqual([
      {
        type: 'history.append',
        v: 1,
        roomId: room.id,
        senderId: owner,
        clientMsgId: 'client-1',
        kind: 'text',
        content,
      },
    ]);
    expect(result).toEqual({
      duplicate: false,
      message: {
        id: expect.any(String),
        roomId: room.id,
        seq: expect.any(Number),
        senderId: owner,
        kind: 'text',
        content,
        clientMsgId: 'client-1',
        createdAt: expect.any(String),
      },
    });
    await expect(metricsText()).resolves.toMatch(/happychat_room_messages_sent_total\{result="ok"\} [1-9]/);
  });

  it('carries the caller’s correlation id on to history', async () => {
    await rpc.request(
      Commands.MESSAGE_SEND,
      { actorId: owner, roomId: room.id, clientMsgId: 'traced', kind: 'text', content: 'x' },
      { correlationId: 'trace-42' },
    );
    expect(history.correlationIds).toEqual(['trace-42']);
  });

  it('lets a member who joined send', async () => {
    const bob = uuidv7();
    await rpc.request(Commands.ROOM_JOIN, { actorId: bob, actorName: 'Bob', roomId: room.id });
    await expect(send(bob, room.id)).resolves.toMatchObject({ message: { senderId: bob } });
    expect(history.appends).toHaveLength(1);
  });

  it('refuses a non-member, and history never hears of it', async () => {
    const stranger = uuidv7();
    await expect(send(stranger, room.id)).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });
    await expect(
      rpc.request(Commands.MESSAGE_LIST, { actorId: stranger, roomId: room.id }),
    ).rejects.toMatchObject({
      code: RoomErrorCode.NOT_MEMBER,
    });
    expect(history.appends).toEqual([]);
    expect(history.pages).toEqual([]);
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
    expect(history.appends).toEqual([]);
    expect(history.pages).toEqual([]);
  });

  it('passes history’s refusals back unchanged', async () => {
    await expect(send(owner, room.id, CONFLICTING_CLIENT_MSG_ID)).rejects.toMatchObject({
      code: HistoryErrorCode.IDEMPOTENCY_CONFLICT,
      message: 'clientMsgId reused with other content',
    });
  });

  it('asks history for a page with the default limit, and passes the cursor on', async () => {
    const page = await rpc.request(Commands.MESSAGE_LIST, { actorId: owner, roomId: room.id });
    expect(page).toEqual({
      messages: [expect.objectContaining({ roomId: room.id, content: 'hello' })],
      hasMore: false,
    });
    await rpc.request(Commands.MESSAGE_LIST, { actorId: owner, roomId: room.id, beforeSeq: 10, limit: 5 });
    await rpc.request(Commands.MESSAGE_LIST, { actorId: owner, roomId: room.id, afterSeq: 0 });
    expect(history.pages).toEqual([
      { type: 'history.page', v: 1, roomId: room.id, limit: 50 },
      { type: 'history.page', v: 1, roomId: room.id, beforeSeq: 10, limit: 5 },
      { type: 'history.page', v: 1, roomId: room.id, afterSeq: 0, limit: 50 },
    ]);
  });

  it('refuses a page asked both ways at once', async () => {
    const call = rpc.request(Commands.MESSAGE_LIST, {
      actorId: owner,
      roomId: room.id,
      beforeSeq: 10,
      afterSeq: 2,
    });
    await expect(call).rejects.toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED });
    expect(history.pages).toEqual([]);
  });

  it.each([
    ['a non-uuid room', { roomId: 'not-a-uuid' }, 'roomId'],
    ['blank content', { content: ' \n ' }, 'content'],
    ['a kind other than text', { kind: 'system' as 'text' }, 'kind'],
    ['a non-ASCII clientMsgId', { clientMsgId: 'é' }, 'clientMsgId'],
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
    expect(history.appends).toEqual([]);
  });

  it('refuses message.list with a limit beyond the page maximum', async () => {
    await expect(
      rpc.request(Commands.MESSAGE_LIST, { actorId: owner, roomId: room.id, limit: 101 }),
    ).rejects.toMatchObject({
      code: CommonErrorCode.VALIDATION_FAILED,
    });
  });
});

import { registerUser, TestUser } from '../support/http';
import { createRoomWith } from '../support/rooms';
import { startSystem, RunningSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';

type Msg = {
  id: string;
  seq: number;
  content: string;
  replyToId?: string;
  editedAt?: string;
  deletedAt?: string;
};

/** Replies, edits, reactions and deletes over the WebSocket, seen live by the other member. */
describe('message operations over the socket', () => {
  let sys: RunningSystem;
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;
  let a: TestSocket;
  let b: TestSocket;

  beforeAll(async () => {
    sys = await startSystem();
    [alice, bob] = await Promise.all(['alice', 'bob'].map((n) => registerUser(sys.baseUrl, n)));
    roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'ops');
    [a, b] = await Promise.all([
      TestSocket.connect(sys.wsUrl, alice.token),
      TestSocket.connect(sys.wsUrl, bob.token),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a, b].map((s) => s?.close()));
    await sys?.stop();
  });

  it('replies, edits, reacts and deletes; the other member sees each change', async () => {
    const first = (
      await a.request({ type: 'message.send', roomId, clientMsgId: 'o-1', content: '점심 뭐 먹을까?' })
    ).message as Msg;
    const reply = await b.request({
      type: 'message.send',
      roomId,
      clientMsgId: 'o-2',
      content: '비빔밥!',
      replyToId: first.id,
    });
    expect(reply).toMatchObject({ type: 'message.ack', message: { replyToId: first.id } });

    const edited = await a.request({
      type: 'message.edit',
      roomId,
      messageId: first.id,
      content: '점심 뭐 먹을까요?',
    });
    expect(edited).toMatchObject({
      type: 'message.ack',
      message: { id: first.id, seq: first.seq, content: '점심 뭐 먹을까요?' },
    });
    await b.waitFor((f) => f.type === 'message.edited' && (f.message as Msg).content === '점심 뭐 먹을까요?');

    const reacted = await b.request({
      type: 'message.react',
      roomId,
      messageId: first.id,
      emoji: '👍',
      add: true,
    });
    expect(reacted.type).toBe('reaction.ack');
    await a.waitFor((f) => f.type === 'message.reaction.changed');

    const refused = await b.request({
      type: 'message.edit',
      roomId,
      messageId: first.id,
      content: 'not mine',
    });
    expect(refused).toMatchObject({ type: 'error' });

    const deleted = await a.request({ type: 'message.delete', roomId, messageId: first.id });
    expect(deleted).toMatchObject({ type: 'message.ack', message: { id: first.id, content: '' } });
    expect((deleted.message as Msg).deletedAt).toBeDefined();
    await b.waitFor((f) => f.type === 'message.deleted');
  });

  it('refuses bad operations with errors naming the request', async () => {
    const unknown = await a.request({
      type: 'message.react',
      roomId,
      messageId: roomId,
      emoji: 'not an emoji at all',
      add: true,
    });
    expect(unknown).toMatchObject({ type: 'error', code: 'common.validation_failed' });
    expect((await a.request({ type: 'ping' })).type).toBe('pong');
  });
});

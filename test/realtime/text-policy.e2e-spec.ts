import { api, registerUser, TestUser } from '../support/http';
import { createRoomWith } from '../support/rooms';
import { startSystem, RunningSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';

type Msg = { id: string; seq: number; content: string; effects?: string[] };

/** Text policy at send time: profanity masked in rooms that ask for it, special words get effects. */
describe('profanity filter and special-word effects', () => {
  let sys: RunningSystem;
  let alice: TestUser;
  let bob: TestUser;
  let filtered: string;
  let open: string;
  let aliceWs: TestSocket;
  let bobWs: TestSocket;

  beforeAll(async () => {
    sys = await startSystem({ PROFANITY_EXTRA_WORDS: '바보멍청이' });
    [alice, bob] = await Promise.all(['alice', 'bob'].map((n) => registerUser(sys.baseUrl, n)));
    filtered = await createRoomWith(sys.baseUrl, alice, [bob], 'clean');
    open = await createRoomWith(sys.baseUrl, alice, [bob], 'anything goes');
    const on = await api(sys.baseUrl, 'PATCH', `/api/v1/rooms/${filtered}/settings`, {
      token: alice.token,
      body: { profanityFilter: true },
    });
    expect(on.status).toBe(200);
    [aliceWs, bobWs] = await Promise.all([
      TestSocket.connect(sys.wsUrl, alice.token),
      TestSocket.connect(sys.wsUrl, bob.token),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([aliceWs, bobWs].map((s) => s?.close()));
    await sys?.stop();
  });

  const send = async (
    roomId: string,
    content: string,
    clientMsgId: string,
  ): Promise<{ acked: Msg; received: Msg }> => {
    const ack = await aliceWs.request({ type: 'message.send', roomId, clientMsgId, content });
    expect(ack.type).toBe('message.ack');
    const acked = ack.message as Msg;
    const got = await bobWs.waitFor(
      (f) => f.type === 'message.created' && (f.message as Msg).id === acked.id,
    );
    return { acked, received: got.message as Msg };
  };

  it('masks Korean and English profanity, and simple evasions, in a filtered room — for everyone and in history', async () => {
    const { acked, received } = await send(filtered, '이 씨발 뭐야, f u c k this 😤', 'p-1');
    expect(acked.content).toBe('이 ** 뭐야, ******* this 😤');
    expect(received.content).toBe(acked.content);
    const page = await api<{ messages: Msg[] }>(sys.baseUrl, 'GET', `/api/v1/rooms/${filtered}/messages`, {
      token: bob.token,
    });
    expect(page.body.messages.map((m) => m.content)).toContain('이 ** 뭐야, ******* this 😤');
  });

  it('masks the operator’s extra words, and leaves innocent words alone', async () => {
    const { acked } = await send(filtered, '너 바보멍청이야. 시발점은 여기, class assessment', 'p-2');
    expect(acked.content).toBe('너 *****야. 시발점은 여기, class assessment');
  });

  it('leaves a room without the filter as written', async () => {
    const { acked } = await send(open, '이 씨발 뭐야', 'p-3');
    expect(acked.content).toBe('이 씨발 뭐야');
  });

  it('attaches effects for special words, live and in history', async () => {
    const { acked, received } = await send(open, '생일 축하해! 🎉', 'p-4');
    expect(acked.effects).toEqual(['balloons', 'confetti']);
    expect(received.effects).toEqual(['balloons', 'confetti']);
    const plain = await send(open, 'just words', 'p-5');
    expect(plain.acked.effects).toBeUndefined();
  });

  it('filters edits too', async () => {
    const { acked } = await send(filtered, 'fine words', 'p-6');
    const edited = await api<Msg>(sys.baseUrl, 'PATCH', `/api/v1/rooms/${filtered}/messages/${acked.id}`, {
      token: alice.token,
      body: { content: 'shit happens' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.content).toBe('**** happens');
  });
});

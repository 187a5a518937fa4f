import { api, registerUser, TestUser } from '../support/http';
import { createRoomWith } from '../support/rooms';
import { startSystem, RunningSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';

/** One sending budget per user across every device and the HTTP endpoint. */
describe('per-user send rate', () => {
  let sys: RunningSystem;
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;

  beforeAll(async () => {
    sys = await startSystem({ SEND_RATE_PER_SECOND: '1', SEND_BURST: '3' });
    [alice, bob] = await Promise.all(['alice', 'bob'].map((n) => registerUser(sys.baseUrl, n)));
    roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'rate');
  }, 60_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('shares the budget between devices and HTTP, refuses the excess clearly, keeps sockets open', async () => {
    const [phone, laptop] = await Promise.all([
      TestSocket.connect(sys.wsUrl, alice.token),
      TestSocket.connect(sys.wsUrl, alice.token),
    ]);
    const answers = [
      await phone.request({ type: 'message.send', roomId, clientMsgId: 'r-1', content: '1' }),
      await laptop.request({ type: 'message.send', roomId, clientMsgId: 'r-2', content: '2' }),
      await phone.request({ type: 'message.send', roomId, clientMsgId: 'r-3', content: '3' }),
      await laptop.request({ type: 'message.send', roomId, clientMsgId: 'r-4', content: '4' }),
    ];
    expect(answers.map((a) => a.type)).toEqual(['message.ack', 'message.ack', 'message.ack', 'error']);
    expect(answers[3]).toMatchObject({ code: 'common.rate_limited', details: [{ field: 'retryAfterMs' }] });
    const http = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/messages`, {
      token: alice.token,
      body: { clientMsgId: 'r-5', content: '5' },
    });
    expect(http).toMatchObject({ status: 429, body: { code: 'common.rate_limited' } });
    // Bob has his own budget.
    const bobs = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/messages`, {
      token: bob.token,
      body: { clientMsgId: 'b-1', content: 'hi' },
    });
    expect(bobs.status).toBe(201);
    expect((await phone.request({ type: 'ping' })).type).toBe('pong');
    await Promise.all([phone.close(), laptop.close()]);
  });
});

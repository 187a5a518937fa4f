import { api, registerUser, TestUser } from '../support/http';
import { createRoomWith, sendHttp } from '../support/rooms';
import { startSystem, RunningSystem } from '../support/system';
import { Frame, TestSocket } from '../support/ws-client';

type Position = { roomId: string; userId: string; lastReadSeq: number };

/** Read positions: per user per room, followed by every device, visible to members as receipts. */
describe('read positions and receipts', () => {
  let sys: RunningSystem;
  let alice: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let carol: TestUser;
  let roomId: string;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    sys = await startSystem();
    [alice, bob, eve, carol] = await Promise.all(
      ['alice', 'bob', 'eve', 'carol'].map((n) => registerUser(sys.baseUrl, n)),
    );
    roomId = await createRoomWith(sys.baseUrl, alice, [bob, carol], 'reads');
    for (let i = 1; i <= 3; i++) await sendHttp(sys.baseUrl, alice, roomId, `hello ${i}`, `r-${i}`);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await sys?.stop();
  });

  it("a read on one device moves the user's other devices and shows a receipt to the authors of what it covered", async () => {
    const [bob1, bob2, alice1, carol1] = await Promise.all([
      TestSocket.connect(sys.wsUrl, bob.token),
      TestSocket.connect(sys.wsUrl, bob.token),
      TestSocket.connect(sys.wsUrl, alice.token),
      TestSocket.connect(sys.wsUrl, carol.token),
    ]);
    sockets.push(bob1, bob2, alice1, carol1);
    bob1.sendRaw(JSON.stringify({ type: 'read', roomId, seq: 2 }));
    const own = await bob2.waitFor((f: Frame) => f.type === 'user.read.updated');
    expect(own).toMatchObject({ roomId, userId: bob.id, lastReadSeq: 2 });
    const receipt = await alice1.waitFor((f: Frame) => f.type === 'room.member.read');
    expect(receipt).toMatchObject({ roomId, userId: bob.id, lastReadSeq: 2, audience: [alice.id] });
    // Carol wrote none of it: her receipts do not change, so her gateway, which handed Alice the
    // receipt, handed her nothing (a pong answered after it would come behind it).
    await carol1.request({ type: 'ping' });
    await bob1.request({ type: 'ping' });
    expect(carol1.ofType('room.member.read')).toEqual([]);
    expect(bob1.ofType('room.member.read')).toEqual([]);
  });

  it('moves forward only, and never past the newest message', async () => {
    const ahead = await api<Position>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/read`, {
      token: bob.token,
      body: { seq: 999 },
    });
    expect(ahead).toMatchObject({ status: 200, body: { lastReadSeq: 3 } });
    const back = await api<Position>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/read`, {
      token: bob.token,
      body: { seq: 1 },
    });
    expect(back.body.lastReadSeq).toBe(3);
  });

  it("lists every member's position for receipts: a writer has read what they wrote; 0 for who has read nothing", async () => {
    const res = await api<{ positions: Position[] }>(sys.baseUrl, 'GET', `/api/v1/rooms/${roomId}/reads`, {
      token: alice.token,
    });
    expect(res.status).toBe(200);
    const byUser = Object.fromEntries(res.body.positions.map((p) => [p.userId, p.lastReadSeq]));
    expect(byUser).toEqual({ [alice.id]: 3, [bob.id]: 3, [carol.id]: 0 });
  });

  it('refuses non-members on HTTP and on the socket, and bad input', async () => {
    const http = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/read`, {
      token: eve.token,
      body: { seq: 1 },
    });
    expect(http).toMatchObject({ status: 403, body: { code: 'room.not_member' } });
    const list = await api(sys.baseUrl, 'GET', `/api/v1/rooms/${roomId}/reads`, { token: eve.token });
    expect(list.status).toBe(403);
    const eveWs = await TestSocket.connect(sys.wsUrl, eve.token);
    sockets.push(eveWs);
    const err = await eveWs.request({ type: 'read', roomId, seq: 1 });
    expect(err).toMatchObject({ type: 'error', code: 'room.not_member' });
    const negative = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/read`, {
      token: bob.token,
      body: { seq: -1 },
    });
    expect(negative).toMatchObject({ status: 400, body: { code: 'common.validation_failed' } });
  });
});

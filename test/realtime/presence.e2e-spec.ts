import { Exchanges } from '@app/contracts';
import { api, registerUser, TestUser } from '../support/http';
import { eventually } from '../support/infra';
import { createRoomWith } from '../support/rooms';
import { connectRpc } from '../support/rpc';
import { startSystem, RunningSystem } from '../support/system';
import { Frame, TestSocket } from '../support/ws-client';

type Presence = { userId: string; status: string; lastSeenAt?: string };

/** Presence: online if any device is, away when all are, offline when none; stale entries expire. */
describe('presence', () => {
  let sys: RunningSystem;
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;
  let watcher: TestSocket;
  const sockets: TestSocket[] = [];

  const statusOf = async (userId: string): Promise<string> => {
    const res = await api<{ presence: Presence[] }>(sys.baseUrl, 'GET', `/api/v1/rooms/${roomId}/presence`, {
      token: alice.token,
    });
    return res.body.presence.find((p) => p.userId === userId)?.status ?? 'missing';
  };
  const announced = (status: string) => (f: Frame) =>
    f.type === 'presence.changed' && f.userId === bob.id && f.status === status;
  const connect = async (user: TestUser) => {
    const s = await TestSocket.connect(sys.wsUrl, user.token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    sys = await startSystem({ PRESENCE_REPORT_INTERVAL_MS: '1000', PRESENCE_SWEEP_INTERVAL_MS: '200' });
    [alice, bob] = await Promise.all(['alice', 'bob'].map((n) => registerUser(sys.baseUrl, n)));
    roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'presence');
    watcher = await connect(alice);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close().catch(() => undefined)));
    await sys?.stop();
  });

  it('shows nobody online before they connect', async () => {
    expect(await statusOf(bob.id)).toBe('offline');
  });

  it('online when a device connects; away only when every device is away', async () => {
    const phone = await connect(bob);
    await watcher.waitFor(announced('online'));
    expect(await statusOf(bob.id)).toBe('online');
    phone.sendRaw(JSON.stringify({ type: 'presence', status: 'away' }));
    await watcher.waitFor(announced('away'));
    const laptop = await connect(bob);
    await eventually(async () => (await statusOf(bob.id)) === 'online');
    laptop.sendRaw(JSON.stringify({ type: 'presence', status: 'away' }));
    await eventually(async () => (await statusOf(bob.id)) === 'away');
    // Gone without a close frame: the last devices' TCP connections just end.
    phone.ws.terminate();
    laptop.ws.terminate();
    const offline = await watcher.waitFor(announced('offline'));
    expect(typeof offline.lastSeenAt).toBe('string');
    expect(await statusOf(bob.id)).toBe('offline');
  });

  it('a gateway that stops reporting (crashed) has its users expire to offline by themselves', async () => {
    const client = await connectRpc(sys.vhost.url);
    const onlineBefore = watcher.frames.filter(announced('online')).length;
    try {
      await client.amqp.publish(Exchanges.PRESENCE, '', {
        type: 'gateway.presence.reported',
        v: 1,
        gatewayId: 'ghost-gateway',
        full: true,
        ttlMs: 1500,
        users: [{ userId: bob.id, status: 'online' }],
        gone: [],
      });
      await eventually(() => watcher.frames.filter(announced('online')).length > onlineBefore, 5000);
      expect(await statusOf(bob.id)).toBe('online');
      await eventually(async () => (await statusOf(bob.id)) === 'offline', 6000, 100);
    } finally {
      await client.close();
    }
  });

  it('a malformed report is dead-lettered and does not stop the tracker', async () => {
    const client = await connectRpc(sys.vhost.url);
    try {
      await client.amqp.publish(Exchanges.PRESENCE, '', {
        type: 'gateway.presence.reported',
        v: 1,
        users: 'nope',
      });
      await connect(bob);
      await eventually(async () => (await statusOf(bob.id)) === 'online');
    } finally {
      await client.close();
    }
  });

  it('refuses non-members', async () => {
    const eve = await registerUser(sys.baseUrl, 'eve');
    const res = await api(sys.baseUrl, 'GET', `/api/v1/rooms/${roomId}/presence`, { token: eve.token });
    expect(res).toMatchObject({ status: 403, body: { code: 'room.not_member' } });
  });
});

import { INestApplication } from '@nestjs/common';
import { startGatewayService } from '../../apps/gateway/src';
import { registerUser, TestUser } from '../support/http';
import { eventually } from '../support/infra';
import { createRoomWith, sendHttp } from '../support/rooms';
import { startSystem, RunningSystem } from '../support/system';
import { Frame, TestSocket } from '../support/ws-client';

type Msg = { id: string; seq: number; content: string };
const messagesIn = (ws: TestSocket, roomId: string): Msg[] =>
  ws
    .ofType('message.created')
    .map((f) => f.message as Msg & { roomId: string })
    .filter((m) => m.roomId === roomId);
/** What a client shows: each message once, by id, in seq order. */
const shown = (msgs: Msg[]): number[] =>
  [...new Map(msgs.map((m) => [m.id, m.seq])).values()].sort((a, b) => a - b);

/**
 * Real-time delivery across devices and gateway instances, with the real broker and database:
 * every device gets every event, offline users and broken connections are repaired by `sync`.
 */
describe('real-time delivery: every device, two gateways, offline and resync', () => {
  let sys: RunningSystem;
  let gateway2: INestApplication;
  let ws2: string;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  let roomId: string;
  const sockets: TestSocket[] = [];
  const connect = async (url: string, user: TestUser) => {
    const s = await TestSocket.connect(url, user.token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    sys = await startSystem({ RESYNC_MAX_MESSAGES: '100', TYPING_MIN_INTERVAL_MS: '1000' });
    gateway2 = await startGatewayService(sys.env);
    ws2 = `${(await gateway2.getUrl()).replace('[::1]', '127.0.0.1').replace(/^http/, 'ws')}/ws`;
    [alice, bob, carol, dave] = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((n) => registerUser(sys.baseUrl, n)),
    );
    roomId = await createRoomWith(sys.baseUrl, alice, [bob, carol], 'devices');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close().catch(() => undefined)));
    await gateway2?.close();
    await sys?.stop();
  });

  it('three devices of one user on two gateways, and two other users, each get a message exactly once', async () => {
    const [a1, a2, a3, b1, c1] = await Promise.all([
      connect(sys.wsUrl, alice),
      connect(sys.wsUrl, alice),
      connect(ws2, alice),
      connect(sys.wsUrl, bob),
      connect(ws2, carol),
    ]);
    const ack = await b1.request({
      type: 'message.send',
      roomId,
      clientMsgId: 'b-1',
      content: '모두 안녕 👋',
    });
    const seq = (ack.message as Msg).seq;
    for (const s of [a1, a2, a3, b1, c1]) {
      await s.waitFor((f) => f.type === 'message.created' && (f.message as Msg).seq === seq);
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const s of [a1, a2, a3, b1, c1]) expect(messagesIn(s, roomId).map((m) => m.seq)).toEqual([seq]);
    // Events go out as the broker's bytes; they must still be text frames.
    for (const s of [a1, a2, a3, b1, c1]) expect(s.binaryFrames).toBe(0);
  });

  it('someone who was offline gets exactly what they missed with sync after connecting', async () => {
    const carolLastSeq = 1;
    for (let i = 2; i <= 4; i++)
      await sendHttp(sys.baseUrl, bob, roomId, `while you were away ${i}`, `away-${i}`);
    const c2 = await connect(ws2, carol);
    const res = await c2.request({ type: 'sync', rooms: [{ roomId, afterSeq: carolLastSeq }] });
    expect(res.type).toBe('sync.result');
    const room = (res.rooms as Array<{ roomId: string; messages: Msg[] }>)[0];
    expect(room.roomId).toBe(roomId);
    expect(room.messages.map((m) => [m.seq, m.content])).toEqual([
      [2, 'while you were away 2'],
      [3, 'while you were away 3'],
      [4, 'while you were away 4'],
    ]);
  });

  it('a device whose connection dies without a close frame fills exactly the gap after reconnecting, with no duplicates', async () => {
    const a = await connect(ws2, alice);
    const before = await a.request({ type: 'sync', rooms: [{ roomId, afterSeq: 0 }] });
    const held = (before.rooms as Array<{ messages: Msg[] }>)[0].messages;
    const lastSeq = held[held.length - 1].seq;
    a.ws.terminate();
    const sent = [];
    for (let i = 0; i < 3; i++)
      sent.push(await sendHttp(sys.baseUrl, bob, roomId, `during the outage ${i}`, `outage-${i}`));
    const again = await connect(ws2, alice);
    const sent2 = await sendHttp(sys.baseUrl, bob, roomId, 'after the return', 'after-return');
    const res = await again.request({ type: 'sync', rooms: [{ roomId, afterSeq: lastSeq }] });
    const filled = (res.rooms as Array<{ messages: Msg[] }>)[0].messages;
    await again.waitFor((f) => f.type === 'message.created' && (f.message as Msg).id === sent2.id);
    // The client merges the live event and the sync by id: each message shown once, gapless.
    const merged = shown([...held, ...filled, ...messagesIn(again, roomId)]);
    expect(merged).toEqual(Array.from({ length: sent2.seq }, (_, i) => i + 1));
    expect(filled.map((m) => m.seq)).toEqual([...sent.map((m) => m.seq), sent2.seq]);
  });

  it('a gap larger than the server sends answers reload: true, never silence', async () => {
    const big = await createRoomWith(sys.baseUrl, bob, [alice], 'big');
    for (let i = 0; i < 101; i++) await sendHttp(sys.baseUrl, bob, big, `m${i}`, `big-${i}`);
    const a = await connect(sys.wsUrl, alice);
    const res = await a.request({
      type: 'sync',
      rooms: [
        { roomId: big, afterSeq: 0 },
        { roomId, afterSeq: 0 },
      ],
    });
    const [first, second] = res.rooms as Array<{ roomId: string; reload?: boolean; messages?: Msg[] }>;
    expect(first).toEqual({ roomId: big, reload: true });
    expect(second.roomId).toBe(roomId);
    expect(second.messages?.length).toBeGreaterThan(0);
  }, 60_000);

  it('sync names the rooms it cannot serve, per room, and stays usable', async () => {
    const d = await connect(sys.wsUrl, dave);
    const res = await d.request({ type: 'sync', rooms: [{ roomId, afterSeq: 0 }] });
    expect((res.rooms as Array<{ error?: { code: string } }>)[0].error?.code).toBe('room.not_member');
    const bad = await d.request({ type: 'sync', rooms: [] });
    expect(bad).toMatchObject({ type: 'error', code: 'common.validation_failed' });
    expect((await d.request({ type: 'ping' })).type).toBe('pong');
  });

  it('typing reaches the other members across gateways, rate-limited, never stored, members only', async () => {
    const b = await connect(sys.wsUrl, bob);
    const c = await connect(ws2, carol);
    const d = await connect(ws2, dave);
    const isTyping = (f: Frame) => f.type === 'room.typing' && f.roomId === roomId && f.userId === bob.id;
    b.sendRaw(JSON.stringify({ type: 'typing', roomId, active: true }));
    b.sendRaw(JSON.stringify({ type: 'typing', roomId, active: true }));
    await c.waitFor((f) => isTyping(f) && f.active === true);
    b.sendRaw(JSON.stringify({ type: 'typing', roomId, active: false }));
    await c.waitFor((f) => isTyping(f) && f.active === false);
    await new Promise((r) => setTimeout(r, 150));
    expect(c.frames.filter((f) => isTyping(f) && f.active === true)).toHaveLength(1);
    expect(d.frames.filter((f) => f.type === 'room.typing')).toHaveLength(0);
    const refused = await d.request({ type: 'typing', roomId, active: true });
    expect(refused).toMatchObject({ type: 'error', code: 'room.not_member' });
    const page = await eventually(() =>
      fetch(`${sys.baseUrl}/api/v1/rooms/${roomId}/messages?limit=100`, {
        headers: { authorization: `Bearer ${bob.token}` },
      }).then((r) => r.json() as Promise<{ messages: Msg[] }>),
    );
    expect(page.messages.some((m) => m.content.includes('typing'))).toBe(false);
  });
});

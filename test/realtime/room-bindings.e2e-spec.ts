import { INestApplication } from '@nestjs/common';
import { Exchanges } from '@app/contracts';
import { startGatewayService } from '../../apps/gateway/src';
import { DeliveryService } from '../../apps/gateway/src/realtime/delivery.service';
import { api, registerUser, TestUser } from '../support/http';
import { eventually, queueBindings } from '../support/infra';
import { createRoomWith, sendHttp } from '../support/rooms';
import { startSystem, RunningSystem } from '../support/system';
import { Frame, TestSocket } from '../support/ws-client';

const quiet = (ms = 300) => new Promise((r) => setTimeout(r, ms));
const contents = (ws: TestSocket, roomId: string): string[] =>
  ws
    .ofType('message.created')
    .map((f) => f.message as { roomId: string; content: string })
    .filter((m) => m.roomId === roomId)
    .map((m) => m.content);

/**
 * A gateway's queue hears a room exactly while someone connected to it is in the room, and a
 * user's own events while they have a socket there. People have no inbox of their own in the
 * broker: the room service binds nothing for them.
 */
describe('gateway bindings: per room and per connected user', () => {
  let sys: RunningSystem;
  let gateway2: INestApplication;
  let ws2: string;
  let queue2: string;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const sockets: TestSocket[] = [];
  const connect = async (url: string, user: TestUser) => {
    const s = await TestSocket.connect(url, user.token);
    sockets.push(s);
    return s;
  };
  const bindingsOf = (queue: string) => queueBindings(sys.vhost.name, queue);
  const roomKey = (roomId: string) => `${Exchanges.ROOM_FANOUT} room.${roomId}`;
  const userKey = (user: TestUser) => `${Exchanges.USER_EVENTS} user.${user.id}`;

  beforeAll(async () => {
    sys = await startSystem();
    gateway2 = await startGatewayService(sys.env);
    ws2 = `${(await gateway2.getUrl()).replace('[::1]', '127.0.0.1').replace(/^http/, 'ws')}/ws`;
    queue2 = gateway2.get(DeliveryService).queue;
    [alice, bob, carol] = await Promise.all(
      ['alice', 'bob', 'carol'].map((n) => registerUser(sys.baseUrl, n)),
    );
  }, 60_000);

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await gateway2?.close();
    await sys?.stop();
  });

  it('binds a room while someone here is in it, once however many, and unbinds it after the last', async () => {
    const roomId = await createRoomWith(sys.baseUrl, alice, [bob, carol], 'bound');
    // Nobody here yet: the gateway's queue is bound to nothing.
    expect(await bindingsOf(queue2)).toEqual([]);
    const b = await connect(ws2, bob);
    const c = await connect(ws2, carol);
    await eventually(async () => (await bindingsOf(queue2)).includes(userKey(carol)));
    expect(await bindingsOf(queue2)).toEqual([roomKey(roomId), userKey(bob), userKey(carol)].sort());
    // One room event, one copy in the queue, for both of them.
    await sendHttp(sys.baseUrl, alice, roomId, 'to both', 'rb-1');
    await b.waitFor((f) => f.type === 'message.created');
    await c.waitFor((f) => f.type === 'message.created');
    await quiet();
    expect(contents(b, roomId)).toEqual(['to both']);
    expect(contents(c, roomId)).toEqual(['to both']);

    await c.close();
    await eventually(async () => !(await bindingsOf(queue2)).includes(userKey(carol)));
    expect(await bindingsOf(queue2)).toContain(roomKey(roomId));
    await b.close();
    await eventually(async () => (await bindingsOf(queue2)).length === 0);
  });

  it('someone who joins while connected hears the room from the frame that tells them, live', async () => {
    const roomId = await createRoomWith(sys.baseUrl, alice, [], 'joined live');
    const b = await connect(ws2, bob);
    const link = await api<{ token: string }>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/invite-links`, {
      token: alice.token,
      body: {},
    });
    const joined = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/join`, {
      token: bob.token,
      body: { inviteToken: link.body.token },
    });
    expect(joined.status).toBe(200);
    const added = await b.waitFor(
      (f) => f.type === 'user.membership.added' && (f.room as { id: string }).id === roomId,
    );
    // The room was bound before the frame went out.
    expect(await bindingsOf(queue2)).toContain(roomKey(roomId));
    const before = b.frames.indexOf(added);
    const about = (f: Frame) =>
      (f.roomId ?? (f.message as { roomId?: string } | undefined)?.roomId) === roomId;
    expect(b.frames.slice(0, before).filter(about)).toEqual([]);
    await sendHttp(sys.baseUrl, alice, roomId, 'welcome 🎉', 'rb-2');
    await eventually(() => contents(b, roomId).includes('welcome 🎉'));
  });

  it('a kicked member hears nothing said after the kick, and the room is unbound', async () => {
    const roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'kicked');
    const b = await connect(ws2, bob);
    await eventually(async () => (await bindingsOf(queue2)).includes(roomKey(roomId)));
    const kicked = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/members/${bob.id}/kick`, {
      token: alice.token,
      body: {},
    });
    expect(kicked.status).toBe(200);
    await sendHttp(sys.baseUrl, alice, roomId, 'after the kick', 'rb-3');
    await b.waitFor((f) => f.type === 'user.membership.removed' && f.roomId === roomId);
    await eventually(async () => !(await bindingsOf(queue2)).includes(roomKey(roomId)));
    await quiet();
    expect(contents(b, roomId)).toEqual([]);
    expect(b.closed).toBeUndefined();
  });
});

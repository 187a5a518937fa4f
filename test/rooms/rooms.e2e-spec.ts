import { api, TestUser } from '../support/http';
import { eventually } from '../support/infra';
import { RunningSystem, startSystem } from '../support/system';
import { Frame, TestSocket } from '../support/ws-client';
import { becomeGuest, inviteLink, loginAdmin, PEOPLE_ENV, someone } from './people';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const quiet = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/**
 * Rooms, moderation, topics and friends end to end: HTTP and WebSocket through the real gateway,
 * RabbitMQ, PostgreSQL and all four services.
 */
describe('rooms end to end: membership, moderation, topics, friends', () => {
  let sys: RunningSystem;
  const sockets: TestSocket[] = [];
  let alice: TestUser;
  let admin: TestUser;

  const connect = async (user: TestUser): Promise<TestSocket> => {
    const ws = await TestSocket.connect(sys.wsUrl, user.token);
    sockets.push(ws);
    return ws;
  };
  const createRoom = async (owner: TestUser, name: string): Promise<string> => {
    const res = await api<{ id: string }>(sys.baseUrl, 'POST', '/api/v1/rooms', {
      token: owner.token,
      body: { name },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const join = (user: TestUser, roomId: string, body: Record<string, unknown> = {}) =>
    api<{ id: string; memberCount: number; code?: string }>(
      sys.baseUrl,
      'POST',
      `/api/v1/rooms/${roomId}/join`,
      {
        token: user.token,
        body,
      },
    );
  const send = (ws: TestSocket, roomId: string, content: string) =>
    ws.request({
      type: 'message.send',
      roomId,
      clientMsgId: `c-${Buffer.from(content).toString('hex').slice(0, 60)}`,
      content,
    });
  const say = async (ws: TestSocket, roomId: string, content: string): Promise<void> => {
    const ack = await send(ws, roomId, content);
    expect(ack).toMatchObject({ type: 'message.ack' });
  };
  const heard = (ws: TestSocket, content: string) =>
    ws.frames.some(
      (f) => f.type === 'message.created' && (f.message as { content: string }).content === content,
    );

  beforeAll(async () => {
    sys = await startSystem(PEOPLE_ENV);
    alice = await someone(sys.baseUrl, 'alice', 'Alice');
    admin = await loginAdmin(sys.baseUrl);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await sys?.stop();
  });

  it('a kicked member’s socket receives nothing more from the room; the room is told, in a system message too', async () => {
    const bob = await someone(sys.baseUrl, 'bob', '민수');
    const roomId = await createRoom(alice, 'Kick test');
    const [aliceWs, bobWs] = await Promise.all([connect(alice), connect(bob)]);
    const invited = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/invites`, {
      token: alice.token,
      body: { userId: bob.id },
    });
    expect(invited.status).toBe(201);
    await bobWs.waitFor((f) => f.type === 'user.room.invited' && (f.room as { id: string }).id === roomId);
    expect((await join(bob, roomId)).status).toBe(200);

    await say(aliceWs, roomId, 'before the kick');
    await eventually(() => heard(bobWs, 'before the kick'));

    const kicked = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/members/${bob.id}/kick`, {
      token: alice.token,
      body: { reason: 'testing' },
    });
    expect(kicked).toMatchObject({ status: 200, body: { roomId, userId: bob.id } });
    // Acknowledged means done: Bob's devices were told, before the answer.
    expect(bobWs.frames.find((f) => f.type === 'user.membership.removed')).toMatchObject({
      roomId,
      reason: 'kicked',
    });

    await say(aliceWs, roomId, 'after the kick');
    await eventually(() => heard(aliceWs, 'after the kick'));
    await quiet();
    expect(heard(bobWs, 'after the kick')).toBe(false);
    await aliceWs.waitFor((f) => f.type === 'room.member.kicked' && f.userId === bob.id);
    const system = await aliceWs.waitFor(
      (f) => f.type === 'message.created' && (f.message as { kind: string }).kind === 'system',
    );
    expect(system.message).toMatchObject({
      senderId: alice.id,
      content: 'Alice removed 민수 from the room: testing',
    });
    expect(heard(bobWs, 'Alice removed 민수 from the room: testing')).toBe(false);
    const refused = await send(bobWs, roomId, 'let me back');
    expect(refused).toMatchObject({ type: 'error', code: 'room.not_member' });
  });

  it('a banned user cannot rejoin, with an invite link or otherwise, until unbanned', async () => {
    const carol = await someone(sys.baseUrl, 'carol');
    const roomId = await createRoom(alice, 'Ban test');
    const token = await inviteLink(sys.baseUrl, alice, roomId);
    expect((await join(carol, roomId, { inviteToken: token })).status).toBe(200);
    const banned = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/bans`, {
      token: alice.token,
      body: { userId: carol.id },
    });
    expect(banned.status).toBe(201);
    await expect(join(carol, roomId, { inviteToken: token })).resolves.toMatchObject({
      status: 403,
      body: { code: 'room.banned' },
    });
    const unbanned = await api(sys.baseUrl, 'DELETE', `/api/v1/rooms/${roomId}/bans/${carol.id}`, {
      token: alice.token,
    });
    expect(unbanned.status).toBe(200);
    expect((await join(carol, roomId, { inviteToken: token })).status).toBe(200);
  });

  it('joining a group room takes an invite: by id alone is refused', async () => {
    const dave = await someone(sys.baseUrl, 'dave');
    const roomId = await createRoom(alice, 'Invite only');
    await expect(join(dave, roomId)).resolves.toMatchObject({
      status: 403,
      body: { code: 'room.invite_required' },
    });
    await expect(join(dave, roomId, { inviteToken: 'forged-token' })).resolves.toMatchObject({
      status: 403,
      body: { code: 'room.invite_invalid' },
    });
  });

  it('a guest cannot create or join a group room, but joins topic rooms and hears them', async () => {
    const guest = await becomeGuest(sys.baseUrl);
    const created = await api(sys.baseUrl, 'POST', '/api/v1/rooms', {
      token: guest.token,
      body: { name: 'Mine' },
    });
    expect(created).toMatchObject({ status: 403, body: { code: 'room.guests_not_allowed' } });
    const roomId = await createRoom(alice, 'No guests');
    const token = await inviteLink(sys.baseUrl, alice, roomId);
    await expect(join(guest, roomId, { inviteToken: token })).resolves.toMatchObject({
      status: 403,
      body: { code: 'room.guests_not_allowed' },
    });

    const topic = await api<{ id: string }>(sys.baseUrl, 'POST', '/api/v1/topics', {
      token: admin.token,
      body: { name: 'Open topic' },
    });
    expect(topic.status).toBe(201);
    const guestWs = await connect(guest);
    expect((await join(guest, topic.body.id, { alias: '손님' })).status).toBe(200);
    await guestWs.waitFor((f) => f.type === 'user.membership.added');
    const adminWs = await connect(admin);
    await say(adminWs, topic.body.id, 'welcome, guest');
    await eventually(() => heard(guestWs, 'welcome, guest'));
  });

  it('refuses the 21st member of a 20-cap topic room with a clear error', async () => {
    const topic = await api<{ id: string; memberCap: number }>(sys.baseUrl, 'POST', '/api/v1/topics', {
      token: admin.token,
      body: { name: 'Twenty' },
    });
    expect(topic.body.memberCap).toBe(20);
    const guests = await Promise.all(Array.from({ length: 20 }, () => becomeGuest(sys.baseUrl)));
    for (const g of guests.slice(0, 19)) expect((await join(g, topic.body.id)).status).toBe(200);
    const refused = await join(guests[19], topic.body.id);
    expect(refused).toMatchObject({
      status: 409,
      body: { code: 'room.full', message: 'Room is full (at most 20 members)' },
    });
    const directory = await api<{ rooms: Array<{ id: string; memberCount: number }> }>(
      sys.baseUrl,
      'GET',
      '/api/v1/topics?query=Twenty',
      { token: guests[19].token },
    );
    expect(directory.body.rooms).toEqual([expect.objectContaining({ id: topic.body.id, memberCount: 20 })]);
  });

  it('a non-admin cannot create topics or approve proposals; an admin can, and the proposer hears of it', async () => {
    const proposer = await someone(sys.baseUrl, 'proposer');
    const proposerWs = await connect(proposer);
    const created = await api(sys.baseUrl, 'POST', '/api/v1/topics', {
      token: proposer.token,
      body: { name: 'Mine' },
    });
    expect(created).toMatchObject({ status: 403, body: { code: 'room.forbidden' } });
    const proposal = await api<{ id: string }>(sys.baseUrl, 'POST', '/api/v1/topics/proposals', {
      token: proposer.token,
      body: { name: '주말 등산', description: 'Trails' },
    });
    expect(proposal.status).toBe(201);
    const byUser = await api(sys.baseUrl, 'POST', `/api/v1/topics/proposals/${proposal.body.id}/approve`, {
      token: alice.token,
    });
    expect(byUser).toMatchObject({ status: 403, body: { code: 'room.forbidden' } });
    const byAdmin = await api<{ room: { id: string; kind: string } }>(
      sys.baseUrl,
      'POST',
      `/api/v1/topics/proposals/${proposal.body.id}/approve`,
      { token: admin.token },
    );
    expect(byAdmin).toMatchObject({ status: 200, body: { room: { kind: 'topic' } } });
    const told = await proposerWs.waitFor((f) => f.type === 'user.topic_proposal.decided');
    expect(told.proposal).toMatchObject({ status: 'approved', roomId: byAdmin.body.room.id });
  });

  it('serves the room image from the gateway like an avatar', async () => {
    const roomId = await createRoom(alice, 'Pictured');
    const put = (contentType: string, body: Buffer, token = alice.token) =>
      fetch(`${sys.baseUrl}/api/v1/rooms/${roomId}/image`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        body,
      });
    const text = await put('image/png', Buffer.from('just text, named png'));
    expect(text.status).toBe(400);
    await expect(text.json()).resolves.toMatchObject({ code: 'room.invalid_image' });
    const ok = await put('image/png', PNG);
    expect(ok.status).toBe(200);
    const view = (await ok.json()) as { imageUrl: string };
    expect(view.imageUrl).toMatch(/^\/api\/v1\/rooms\/.+\/image\?v=\d+$/);

    const image = await fetch(`${sys.baseUrl}${view.imageUrl}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true);
    const again = await fetch(`${sys.baseUrl}/api/v1/rooms/${roomId}/image`, {
      headers: { 'if-none-match': image.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
    const big = await put('image/png', Buffer.concat([PNG, Buffer.alloc(300 * 1024)]));
    expect(big.status).toBe(413);
  });

  it('friends: nothing without consent; then one direct room per pair, and messages flow in it', async () => {
    const [ann, ben] = await Promise.all([
      someone(sys.baseUrl, 'ann', 'Ann'),
      someone(sys.baseUrl, 'ben', 'Ben'),
    ]);
    const [annWs, benWs] = await Promise.all([connect(ann), connect(ben)]);
    const dmBefore = await api(sys.baseUrl, 'POST', `/api/v1/friends/${ben.id}/dm`, { token: ann.token });
    expect(dmBefore).toMatchObject({ status: 403, body: { code: 'friend.not_friends' } });
    expect(
      (await api(sys.baseUrl, 'POST', `/api/v1/friends/${ben.id}/request`, { token: ann.token })).status,
    ).toBe(200);
    const request = await benWs.waitFor((f) => f.type === 'user.friendship.changed');
    expect(request).toMatchObject({ otherUserId: ann.id, otherDisplayName: 'Ann', state: 'incoming' });
    expect(
      (await api(sys.baseUrl, 'POST', `/api/v1/friends/${ann.id}/accept`, { token: ben.token })).status,
    ).toBe(200);
    await annWs.waitFor((f) => f.type === 'user.friendship.changed' && f.state === 'friends');

    const [first, second] = [
      await api<{ id: string; kind: string }>(sys.baseUrl, 'POST', `/api/v1/friends/${ben.id}/dm`, {
        token: ann.token,
      }),
      await api<{ id: string }>(sys.baseUrl, 'POST', `/api/v1/friends/${ann.id}/dm`, { token: ben.token }),
    ];
    expect(first).toMatchObject({ status: 200, body: { kind: 'direct' } });
    expect(second.body.id).toBe(first.body.id);
    await benWs.waitFor(
      (f) => f.type === 'user.membership.added' && (f.room as { id: string }).id === first.body.id,
    );
    await say(annWs, first.body.id, 'hi Ben');
    await eventually(() => heard(benWs, 'hi Ben'));

    const friends = await api<{ friends: Array<{ userId: string }> }>(sys.baseUrl, 'GET', '/api/v1/friends', {
      token: ben.token,
    });
    expect(friends.body.friends.map((f) => f.userId)).toEqual([ann.id]);
    expect(
      (await api(sys.baseUrl, 'POST', `/api/v1/friends/${ann.id}/block`, { token: ben.token })).status,
    ).toBe(200);
    await expect(
      api(sys.baseUrl, 'POST', `/api/v1/friends/${ben.id}/request`, { token: ann.token }),
    ).resolves.toMatchObject({ status: 403, body: { code: 'friend.blocked' } });
  });

  it('mutes and role changes are announced to the room’s sockets', async () => {
    const erin = await someone(sys.baseUrl, 'erin', 'Erin');
    const roomId = await createRoom(alice, 'Announcements');
    const token = await inviteLink(sys.baseUrl, alice, roomId);
    expect((await join(erin, roomId, { inviteToken: token })).status).toBe(200);
    const erinWs = await connect(erin);
    const muted = await api<{ mutedUntil: string }>(
      sys.baseUrl,
      'POST',
      `/api/v1/rooms/${roomId}/members/${erin.id}/mute`,
      { token: alice.token, body: { durationSeconds: 300 } },
    );
    expect(muted.status).toBe(200);
    const event: Frame = await erinWs.waitFor((f) => f.type === 'room.member.muted');
    expect(event).toMatchObject({ userId: erin.id, mutedUntil: muted.body.mutedUntil });
    await expect(send(erinWs, roomId, 'can I talk?')).resolves.toMatchObject({
      type: 'error',
      code: 'room.muted',
    });
    const role = await api(sys.baseUrl, 'PUT', `/api/v1/rooms/${roomId}/members/${erin.id}/role`, {
      token: alice.token,
      body: { role: 'admin' },
    });
    expect(role.status).toBe(200);
    await erinWs.waitFor((f) => f.type === 'room.member.role_changed' && f.role === 'admin');
    const renamed = await api(sys.baseUrl, 'PATCH', `/api/v1/rooms/${roomId}`, {
      token: erin.token,
      body: { name: 'Renamed by Erin' },
    });
    expect(renamed.status).toBe(200);
    await erinWs.waitFor((f) => f.type === 'room.renamed' && f.name === 'Renamed by Erin');
    await erinWs.waitFor(
      (f) =>
        f.type === 'message.created' &&
        (f.message as { content: string }).content === 'Erin renamed the room to “Renamed by Erin”',
    );
  });
});

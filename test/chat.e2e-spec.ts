import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { api, registerUser, TestUser } from './support/http';
import { eventually } from './support/infra';
import { startSystem, RunningSystem } from './support/system';
import { TestSocket } from './support/ws-client';

/**
 * The walking skeleton, end to end through the real gateway, RabbitMQ, PostgreSQL and all four
 * services: register, create, join, chat over WebSocket, page history, and bad input.
 */
describe('two people chat through gateway → RabbitMQ → services', () => {
  let sys: RunningSystem;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let roomId: string;
  let aliceWs: TestSocket;
  let bobWs: TestSocket;
  let carolWs: TestSocket;

  const storedMessages = async (): Promise<number> => {
    const c = new Client({ connectionString: sys.db.url });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>('SELECT count(*)::text AS n FROM history.messages');
      return Number(r.rows[0].n);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    sys = await startSystem();
    [alice, bob, carol] = await Promise.all([
      registerUser(sys.baseUrl, 'alice', 'Alice'),
      registerUser(sys.baseUrl, '김민수', '민수'),
      registerUser(sys.baseUrl, 'carol'),
    ]);
    const created = await api<{ id: string; myRole: string; memberCount: number }>(
      sys.baseUrl,
      'POST',
      '/api/v1/rooms',
      {
        token: alice.token,
        body: { name: '행복한 채팅' },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ myRole: 'owner', memberCount: 1 });
    roomId = created.body.id;
    [aliceWs, bobWs, carolWs] = await Promise.all([
      TestSocket.connect(sys.wsUrl, alice.token),
      TestSocket.connect(sys.wsUrl, bob.token),
      TestSocket.connect(sys.wsUrl, carol.token),
    ]);
    // Group rooms are joined by invite: Alice invites Bob, and joining accepts it.
    const invited = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/invites`, {
      token: alice.token,
      body: { userId: bob.id },
    });
    expect(invited.status).toBe(201);
    const joined = await api<{ id: string; memberCount: number }>(
      sys.baseUrl,
      'POST',
      `/api/v1/rooms/${roomId}/join`,
      {
        token: bob.token,
      },
    );
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ id: roomId, memberCount: 2 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([aliceWs, bobWs, carolWs].map((s) => s?.close()));
    await sys?.stop();
  });

  it('greets each socket with hello naming the user', () => {
    expect(aliceWs.frames[0]).toMatchObject({ type: 'hello', protocol: 'happychat.v1', userId: alice.id });
  });

  it("tells the joiner's sockets about the new room, and the members about the joiner", async () => {
    await bobWs.waitFor(
      (f) => f.type === 'user.membership.added' && (f.room as { id: string }).id === roomId,
    );
    const joined = await aliceWs.waitFor((f) => f.type === 'room.member.joined' && f.userId === bob.id);
    expect(joined).toMatchObject({ roomId, displayName: '민수', role: 'member' });
  });

  it('delivers a message to the other member once, with the seq the sender was acked', async () => {
    const ack = await aliceWs.request({
      type: 'message.send',
      roomId,
      clientMsgId: 'a-1',
      content: '안녕하세요 👋',
    });
    expect(ack).toMatchObject({ type: 'message.ack', duplicate: false });
    const message = ack.message as { id: string; seq: number; content: string; senderId: string };
    expect(message).toMatchObject({ seq: 1, content: '안녕하세요 👋', senderId: alice.id });

    const received = await bobWs.waitFor((f) => f.type === 'message.created');
    expect(received.message).toEqual(message);
    await new Promise((r) => setTimeout(r, 200));
    expect(bobWs.ofType('message.created')).toHaveLength(1);
    // The sender's own socket gets the event too (their other devices rely on it).
    await aliceWs.waitFor(
      (f) => f.type === 'message.created' && (f.message as { id: string }).id === message.id,
    );
    // Carol is not a member: nothing said in the room reaches her.
    expect(carolWs.ofType('message.created')).toHaveLength(0);
  });

  it('stores the message: a member who opens the room later pages it from history', async () => {
    const page = await api<{ messages: Array<{ seq: number; content: string }>; hasMore: boolean }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/messages?limit=50`,
      { token: bob.token },
    );
    expect(page.status).toBe(200);
    expect(page.body.hasMore).toBe(false);
    expect(page.body.messages.map((m) => [m.seq, m.content])).toEqual([[1, '안녕하세요 👋']]);
  });

  it('is idempotent by clientMsgId: a resend returns the same seq and stores nothing new', async () => {
    const before = await storedMessages();
    const again = await aliceWs.request({
      type: 'message.send',
      roomId,
      clientMsgId: 'a-1',
      content: '안녕하세요 👋',
    });
    expect(again).toMatchObject({ type: 'message.ack', duplicate: true });
    expect((again.message as { seq: number }).seq).toBe(1);
    expect(await storedMessages()).toBe(before);
  });

  it('pages history with before/after seq in both directions', async () => {
    for (let i = 2; i <= 5; i++) {
      const ack = await bobWs.request({
        type: 'message.send',
        roomId,
        clientMsgId: `b-${i}`,
        content: `message ${i}`,
      });
      expect((ack.message as { seq: number }).seq).toBe(i);
    }
    const older = await api<{ messages: Array<{ seq: number }>; hasMore: boolean }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/messages?beforeSeq=5&limit=2`,
      { token: alice.token },
    );
    expect(older.body.messages.map((m) => m.seq)).toEqual([3, 4]);
    expect(older.body.hasMore).toBe(true);
    const newer = await api<{ messages: Array<{ seq: number }>; hasMore: boolean }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/messages?afterSeq=3&limit=100`,
      { token: alice.token },
    );
    expect(newer.body.messages.map((m) => m.seq)).toEqual([4, 5]);
    expect(newer.body.hasMore).toBe(false);
    // Live delivery is at least once (the resend above was republished) and in room order: shown
    // once by message id, the seqs are 1..5 in arrival order.
    const seqs = await eventually(() => {
      const seen = new Map<string, number>();
      for (const f of aliceWs.ofType('message.created')) {
        const m = f.message as { id: string; seq: number };
        if (!seen.has(m.id)) seen.set(m.id, m.seq);
      }
      return seen.size >= 5 ? [...seen.values()] : null;
    });
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });

  describe('bad input gets a clear error and breaks nothing', () => {
    const expectUsable = async (ws: TestSocket) => {
      const pong = await ws.request({ type: 'ping' });
      expect(pong.type).toBe('pong');
    };

    it('unknown frame type → error naming the request; socket stays open', async () => {
      const err = await carolWs.request({ type: 'message.teleport', roomId });
      expect(err).toMatchObject({ type: 'error', code: 'gateway.unknown_frame_type' });
      await expectUsable(carolWs);
    });

    it('malformed JSON → error frame; socket stays open', async () => {
      carolWs.sendRaw('{"type": "message.send", "id": "broken-1"');
      const err = await carolWs.waitFor((f) => f.type === 'error' && f.code === 'gateway.malformed_frame');
      expect(err.message).toMatch(/JSON/);
      await expectUsable(carolWs);
    });

    it('binary frame → error frame; socket stays open', async () => {
      carolWs.sendRaw(Buffer.from([1, 2, 3]), true);
      await carolWs.waitFor((f) => f.type === 'error' && f.code === 'gateway.binary_not_supported');
      await expectUsable(carolWs);
    });

    it('missing fields → validation error listing them, with the request id; nothing stored', async () => {
      const before = await storedMessages();
      const err = await aliceWs.request({ type: 'message.send', roomId });
      expect(err).toMatchObject({ type: 'error', code: 'common.validation_failed' });
      const fields = (err.details as Array<{ field: string }>).map((d) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['clientMsgId', 'content']));
      await expectUsable(aliceWs);
      expect(await storedMessages()).toBe(before);
    });

    it('a non-member sending to a room → room.not_member; nothing stored, nobody receives it', async () => {
      const before = await storedMessages();
      const bobCount = bobWs.ofType('message.created').length;
      const err = await carolWs.request({
        type: 'message.send',
        roomId,
        clientMsgId: 'c-1',
        content: 'let me in',
      });
      expect(err).toMatchObject({ type: 'error', code: 'room.not_member' });
      await expectUsable(carolWs);
      expect(await storedMessages()).toBe(before);
      await new Promise((r) => setTimeout(r, 150));
      expect(bobWs.ofType('message.created')).toHaveLength(bobCount);
    });

    it('a non-member cannot read the history either', async () => {
      const res = await api(sys.baseUrl, 'GET', `/api/v1/rooms/${roomId}/messages`, { token: carol.token });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'room.not_member' });
    });

    it('a bad token at connect is refused before the upgrade', async () => {
      await expect(TestSocket.connect(sys.wsUrl, 'not.a.jwt')).rejects.toMatchObject({ status: 401 });
      const forged = `${alice.token.slice(0, -4)}AAAA`;
      await expect(TestSocket.connect(sys.wsUrl, forged)).rejects.toMatchObject({ status: 401 });
      await expect(TestSocket.connect(sys.wsUrl, null)).rejects.toMatchObject({ status: 401 });
    });

    it('HTTP: no token → 401 auth.token_missing; bad body → 400 with details; bad id → 400', async () => {
      const noToken = await api(sys.baseUrl, 'GET', '/api/v1/rooms');
      expect(noToken).toMatchObject({ status: 401, body: { code: 'auth.token_missing' } });
      const badBody = await api(sys.baseUrl, 'POST', '/api/v1/rooms', {
        token: alice.token,
        body: { name: 42, extra: true },
      });
      expect(badBody.status).toBe(400);
      expect(badBody.body).toMatchObject({ code: 'common.validation_failed' });
      const notJson = await api(sys.baseUrl, 'POST', '/api/v1/rooms', {
        token: alice.token,
        rawBody: '{"name":',
      });
      expect(notJson).toMatchObject({ status: 400, body: { code: 'common.validation_failed' } });
      const badId = await api(sys.baseUrl, 'GET', '/api/v1/rooms/not-a-uuid/messages', {
        token: alice.token,
      });
      expect(badId).toMatchObject({ status: 400, body: { code: 'common.validation_failed' } });
      const badLimit = await api(sys.baseUrl, 'GET', `/api/v1/rooms/${roomId}/messages?limit=10000`, {
        token: alice.token,
      });
      expect(badLimit).toMatchObject({ status: 400, body: { code: 'common.validation_failed' } });
    });
  });

  it('serves the OpenAPI document committed in docs/ (regenerate with npm run docs:openapi)', async () => {
    const served = await api(sys.baseUrl, 'GET', '/api/openapi.json');
    expect(served.status).toBe(200);
    const committed = JSON.parse(readFileSync(join(__dirname, '../docs/openapi.json'), 'utf8')) as {
      paths: object;
    };
    expect(served.body).toEqual(committed);
  });

  it('exposes health and metrics', async () => {
    const ready = await api(sys.baseUrl, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    const metrics = await fetch(`${sys.baseUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/happychat_gateway_connections \d+/);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessagePageView, MessageSearchView, MessageView, RoomSummariesView } from '@app/contracts';
import { runExport } from '../../apps/history/src/cli/export-command';
import { api, registerUser, TestUser } from '../support/http';
import { startSystem, RunningSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';
import { readZip } from './zip';

const enc = encodeURIComponent;

/**
 * The chat log end to end, through the real gateway, RabbitMQ, PostgreSQL and all four services:
 * replies, paging around a message and by date, edits, tombstones, reactions and their events on
 * the socket, search in a room and across rooms, summaries, replay, export (HTTP and CLI) and the
 * retention setting, with the bad input the issue names.
 */
describe('history: the chat log through the gateway', () => {
  let sys: RunningSystem;
  let olga: TestUser;
  let ada: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let room: string;
  let other: string;
  let bobWs: TestSocket;
  const said: Record<string, MessageView> = {};
  let tmp: string;

  const call = <T = Record<string, unknown>>(user: TestUser, method: string, path: string, body?: unknown) =>
    api<T>(sys.baseUrl, method, `/api/v1${path}`, { token: user.token, body });

  async function send(
    user: TestUser,
    roomId: string,
    content: string,
    replyToId?: string,
  ): Promise<MessageView> {
    const res = await call<{ message: MessageView }>(user, 'POST', `/rooms/${roomId}/messages`, {
      clientMsgId: `c-${Math.random().toString(36).slice(2)}`,
      content,
      ...(replyToId ? { replyToId } : {}),
    });
    expect(res.status).toBe(201);
    return res.body.message;
  }

  async function admit(owner: TestUser, roomId: string, user: TestUser): Promise<void> {
    const link = await call<{ token: string }>(owner, 'POST', `/rooms/${roomId}/invite-links`, {});
    expect(link.status).toBe(201);
    const joined = await call(user, 'POST', `/rooms/${roomId}/join`, { inviteToken: link.body.token });
    expect(joined.status).toBe(200);
  }

  beforeAll(async () => {
    sys = await startSystem({ MESSAGE_EDIT_WINDOW_SECONDS: '600' });
    tmp = mkdtempSync(join(tmpdir(), 'hc-export-'));
    [olga, ada, bob, eve] = await Promise.all([
      registerUser(sys.baseUrl, 'olga', 'Olga'),
      registerUser(sys.baseUrl, 'ada', 'Ada'),
      registerUser(sys.baseUrl, '김민수', '민수'),
      registerUser(sys.baseUrl, 'eve', 'Eve'),
    ]);
    room = (await call<{ id: string }>(olga, 'POST', '/rooms', { name: '행복한 채팅' })).body.id;
    other = (await call<{ id: string }>(olga, 'POST', '/rooms', { name: 'Olga only' })).body.id;
    await admit(olga, room, ada);
    await admit(olga, room, bob);
    expect((await call(olga, 'PUT', `/rooms/${room}/members/${ada.id}/role`, { role: 'admin' })).status).toBe(
      200,
    );
    bobWs = await TestSocket.connect(sys.wsUrl, bob.token);

    said.hello = await send(olga, room, '안녕하세요 여러분 👋');
    said.meeting = await send(bob, room, '회의는 3시에 시작해요');
    said.reply = await send(ada, room, 'OK, 100% there', said.hello.id);
    said.typo = await send(bob, room, 'teh agenda is (draft)');
    said.private = await send(olga, other, '안녕하세요, 비밀 방');
  }, 90_000);

  afterAll(async () => {
    await bobWs?.close();
    rmSync(tmp, { recursive: true, force: true });
    await sys?.stop();
  });

  describe('replies and paging', () => {
    it('stores a reply with its target, and refuses a target from another room with 404', async () => {
      expect(said.reply.replyToId).toBe(said.hello.id);
      const res = await call(ada, 'POST', `/rooms/${room}/messages`, {
        clientMsgId: 'cross-room',
        content: 'nope',
        replyToId: said.private.id,
      });
      expect(res).toMatchObject({ status: 404, body: { code: 'history.message_not_found' } });
    });

    it('pages around a message with context on both sides', async () => {
      const res = await call<MessagePageView>(
        bob,
        'GET',
        `/rooms/${room}/messages?aroundId=${said.meeting.id}&limit=3`,
      );
      expect(res.status).toBe(200);
      expect(res.body.messages.map((m) => m.id)).toEqual([said.hello.id, said.meeting.id, said.reply.id]);
      expect(res.body).toMatchObject({ hasMore: true, hasMoreAfter: true });
    });

    it('pages a 3-day window, ascending', async () => {
      const from = new Date(Date.now() - 3 * 86_400_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      const res = await call<MessagePageView>(
        bob,
        'GET',
        `/rooms/${room}/messages?from=${enc(from)}&to=${enc(to)}`,
      );
      expect(res.status).toBe(200);
      const mine = [said.hello, said.meeting, said.reply, said.typo].map((m) => m.id);
      expect(res.body.messages.map((m) => m.id).filter((id) => mine.includes(id))).toEqual(mine);
      const seqs = res.body.messages.map((m) => m.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      const older = await call<MessagePageView>(
        bob,
        'GET',
        `/rooms/${room}/messages?from=${enc(new Date(Date.now() - 6 * 86_400_000).toISOString())}&to=${enc(from)}`,
      );
      expect(older.body).toEqual({ messages: [], hasMore: false });
    });

    it.each([
      ['limit 0', 'limit=0', 400, 'common.validation_failed'],
      ['limit 10,000', 'limit=10000', 400, 'common.validation_failed'],
      ['a negative seq', 'beforeSeq=-1', 400, 'common.validation_failed'],
      ['a non-numeric seq', 'afterSeq=abc', 400, 'common.validation_failed'],
      ['a message id from another room', 'aroundId=OTHER', 404, 'history.message_not_found'],
      ['an id that is not a UUID', 'aroundId=1%27%20OR%201%3D1', 400, 'common.validation_failed'],
      ['from without to', 'from=2026-01-01T00:00:00Z', 400, 'common.validation_failed'],
      [
        'an inverted window',
        'from=2026-01-05T00:00:00Z&to=2026-01-01T00:00:00Z',
        400,
        'history.invalid_range',
      ],
      ['a time that is not a time', 'from=soon&to=later', 400, 'common.validation_failed'],
    ])('answers %s with a clear error, never a 500', async (_what, query, status, code) => {
      const res = await call(
        bob,
        'GET',
        `/rooms/${room}/messages?${query.replace('OTHER', said.private.id)}`,
      );
      expect(res).toMatchObject({ status, body: { code } });
    });

    it('keeps a stranger out', async () => {
      expect((await call(eve, 'GET', `/rooms/${room}/messages?aroundId=${said.hello.id}`)).status).toBe(403);
    });
  });

  describe('edit, reactions, delete, with their events on the socket', () => {
    it('lets the author edit (message.edited reaches members) and refuses anyone else', async () => {
      const res = await call<MessageView>(bob, 'PATCH', `/rooms/${room}/messages/${said.typo.id}`, {
        content: 'the agenda is (draft)',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        content: 'the agenda is (draft)',
        editedAt: expect.any(String),
        seq: said.typo.seq,
      });
      const event = await bobWs.waitFor((f) => f.type === 'message.edited');
      expect(event).toMatchObject({ message: { id: said.typo.id, content: 'the agenda is (draft)' } });
      const other = await call(olga, 'PATCH', `/rooms/${room}/messages/${said.typo.id}`, {
        content: 'mine now',
      });
      expect(other).toMatchObject({ status: 403, body: { code: 'history.not_author' } });
      const blank = await call(bob, 'PATCH', `/rooms/${room}/messages/${said.typo.id}`, { content: '  ' });
      expect(blank.status).toBe(400);
    });

    it('counts reactions per emoji, idempotently, and announces message.reaction.changed', async () => {
      const path = `/rooms/${room}/messages/${said.hello.id}/reactions`;
      const first = await call(bob, 'PUT', `${path}/${enc('👍🏽')}`);
      expect(first).toMatchObject({
        status: 200,
        body: { reactions: [{ emoji: '👍🏽', count: 1, me: true }] },
      });
      await call(bob, 'PUT', `${path}/${enc('👍🏽')}`);
      const adas = await call(ada, 'PUT', `${path}/${enc('👍🏽')}`);
      expect(adas.body).toMatchObject({ reactions: [{ emoji: '👍🏽', count: 2, me: true }] });
      await call(ada, 'PUT', `${path}/${enc(':tada:')}`);
      const event = await bobWs.waitFor((f) => f.type === 'message.reaction.changed' && f.emoji === ':tada:');
      expect(event).toMatchObject({
        messageId: said.hello.id,
        userId: ada.id,
        op: 'added',
        reactions: [
          { emoji: '👍🏽', count: 2 },
          { emoji: ':tada:', count: 1 },
        ],
      });
      const page = await call<MessagePageView>(
        bob,
        'GET',
        `/rooms/${room}/messages?aroundId=${said.hello.id}&limit=1`,
      );
      expect(page.body.messages[0].reactions).toEqual([
        { emoji: '👍🏽', count: 2, me: true },
        { emoji: ':tada:', count: 1, me: false },
      ]);
      expect((await call(bob, 'DELETE', `${path}/${enc('👍🏽')}`)).body).toMatchObject({
        reactions: [
          { emoji: '👍🏽', count: 1, me: false },
          { emoji: ':tada:', count: 1, me: false },
        ],
      });
      expect(await call(bob, 'PUT', `${path}/lol`)).toMatchObject({
        status: 400,
        body: { code: 'common.validation_failed' },
      });
      expect((await call(eve, 'PUT', `${path}/${enc('👍')}`)).status).toBe(403);
    });

    it('lets an admin delete a member’s message as a tombstone (message.deleted), but not a member someone else’s', async () => {
      const refused = await call(bob, 'DELETE', `/rooms/${room}/messages/${said.hello.id}`);
      expect(refused).toMatchObject({ status: 403, body: { code: 'history.not_author' } });
      const res = await call<MessageView>(ada, 'DELETE', `/rooms/${room}/messages/${said.meeting.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: said.meeting.id,
        seq: said.meeting.seq,
        content: '',
        deletedAt: expect.any(String),
      });
      const event = await bobWs.waitFor((f) => f.type === 'message.deleted');
      expect(event).toMatchObject({ deletedBy: ada.id, message: { id: said.meeting.id, content: '' } });
      const page = await call<MessagePageView>(bob, 'GET', `/rooms/${room}/messages?afterSeq=0&limit=100`);
      const seqs = page.body.messages.map((m) => m.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      const tombstones = page.body.messages.filter((m) => m.deletedAt).map((m) => [m.id, m.content]);
      expect(tombstones).toEqual([[said.meeting.id, '']]);
    });
  });

  describe('search', () => {
    it('searches a room for members, in Korean and literally', async () => {
      const hits = await call<MessageSearchView>(
        bob,
        'GET',
        `/rooms/${room}/messages/search?q=${enc('안녕하세요')}`,
      );
      expect(hits.status).toBe(200);
      expect(hits.body.messages.map((m) => m.id)).toEqual([said.hello.id]);
      const literal = await call<MessageSearchView>(
        bob,
        'GET',
        `/rooms/${room}/messages/search?q=${enc('(draft)')}`,
      );
      expect(literal.body.messages.map((m) => m.id)).toEqual([said.typo.id]);
      const percent = await call<MessageSearchView>(
        bob,
        'GET',
        `/rooms/${room}/messages/search?q=${enc('100%')}`,
      );
      expect(percent.body.messages.map((m) => m.id)).toEqual([said.reply.id]);
      // Deleted: not found any more.
      const gone = await call<MessageSearchView>(
        bob,
        'GET',
        `/rooms/${room}/messages/search?q=${enc('회의')}`,
      );
      expect(gone.body.messages).toEqual([]);
    });

    it.each([
      ['regular-expression characters', enc('.*(['), 200],
      ['SQL wildcards only', enc('%_%'), 200],
      ['10 KB of text', 'x'.repeat(10 * 1024), 400],
      ['a blank query', enc('   '), 400],
      ['no query', '', 400],
    ])('answers %s without a 500', async (_what, q, status) => {
      const res = await call<MessageSearchView>(bob, 'GET', `/rooms/${room}/messages/search?q=${q}`);
      expect(res.status).toBe(status);
      if (status === 200) expect(res.body.messages).toEqual([]);
      else expect(res.body).toMatchObject({ code: 'common.validation_failed' });
    });

    it('searches across the caller’s rooms only, with room ids', async () => {
      const mine = await call<MessageSearchView>(olga, 'GET', `/search/messages?q=${enc('안녕하세요')}`);
      expect(mine.body.messages.map((m) => [m.roomId, m.id])).toEqual([
        [other, said.private.id],
        [room, said.hello.id],
      ]);
      const bobs = await call<MessageSearchView>(bob, 'GET', `/search/messages?q=${enc('안녕하세요')}`);
      expect(bobs.body.messages.map((m) => m.id)).toEqual([said.hello.id]);
      expect((await call(eve, 'GET', `/search/messages?q=x`)).body).toEqual({ messages: [], hasMore: false });
      expect((await call(eve, 'GET', `/rooms/${room}/messages/search?q=x`)).status).toBe(403);
    });
  });

  describe('summary and replay', () => {
    it('summarises the caller’s rooms: last seq and last message', async () => {
      const res = await call<RoomSummariesView>(olga, 'GET', '/me/rooms/summary');
      expect(res.status).toBe(200);
      const byRoom = new Map(res.body.rooms.map((r) => [r.roomId, r]));
      const latest = await call<MessagePageView>(olga, 'GET', `/rooms/${room}/messages?limit=1`);
      const last = latest.body.messages[0];
      expect(byRoom.get(room)).toMatchObject({
        lastSeq: last.seq,
        lastMessage: { id: last.id, seq: last.seq },
      });
      expect(byRoom.get(other)).toMatchObject({ lastSeq: 1, lastMessage: { id: said.private.id } });
      const bobs = await call<RoomSummariesView>(bob, 'GET', '/me/rooms/summary');
      expect(bobs.body.rooms.map((r) => r.roomId)).toEqual([room]);
    });

    it('replays a time range in order, without deleted messages', async () => {
      const from = new Date(new Date(said.hello.createdAt).getTime() - 1000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      const res = await call<MessagePageView>(
        bob,
        'GET',
        `/rooms/${room}/replay?from=${enc(from)}&to=${enc(to)}`,
      );
      expect(res.status).toBe(200);
      const ids = res.body.messages.map((m) => m.id);
      expect(ids.filter((id) => [said.hello.id, said.reply.id, said.typo.id].includes(id))).toEqual([
        said.hello.id,
        said.reply.id,
        said.typo.id,
      ]);
      expect(ids).not.toContain(said.meeting.id);
      expect(res.body.messages.every((m) => !m.deletedAt)).toBe(true);
      expect((await call(bob, 'GET', `/rooms/${room}/replay?from=${enc(from)}`)).status).toBe(400);
    });
  });

  describe('export and retention', () => {
    async function download(user: TestUser): Promise<Response> {
      return fetch(`${sys.baseUrl}/api/v1/rooms/${room}/export`, {
        headers: { authorization: `Bearer ${user.token}` },
      });
    }

    let exported = 0;

    function checkArchive(files: Map<string, Buffer>, name: string): number {
      expect(JSON.parse(files.get(`${room}/session_info.json`)?.toString() ?? '')).toEqual({
        session_id: room,
        session_name: name,
        creator_id: olga.id,
      });
      const days = [...files.keys()].filter((f) => f !== `${room}/session_info.json`);
      const day = new Date(said.hello.createdAt).toISOString();
      expect(days).toContain(`${room}/${day.slice(0, 4)}/${day.slice(5, 7)}/${day.slice(8, 10)}.json`);
      const chat = days.flatMap(
        (d) => (JSON.parse(files.get(d)?.toString() ?? '') as { chat: Array<Record<string, string>> }).chat,
      );
      const texts = chat.filter((c) => c.chat_type === 'text');
      expect(texts.map((c) => Buffer.from(c.content, 'base64').toString('utf8'))).toEqual([
        '안녕하세요 여러분 👋',
        'OK, 100% there',
        'the agenda is (draft)',
      ]);
      return chat.length;
      expect(texts[0]).toEqual({
        user_id: olga.id,
        chat_time: said.hello.createdAt,
        chat_type: 'text',
        content: Buffer.from('안녕하세요 여러분 👋').toString('base64'),
      });
    }

    it('streams a zip in the original shape to the owner, and refuses anyone else', async () => {
      expect((await download(bob)).status).toBe(403);
      expect((await download(ada)).status).toBe(403);
      const res = await download(olga);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/zip');
      expect(res.headers.get('content-disposition')).toContain(`happychat-room-${room}.zip`);
      exported = checkArchive(readZip(Buffer.from(await res.arrayBuffer())), '행복한 채팅');
    });

    it('writes the same archive with the admin CLI', async () => {
      const out = join(tmp, 'room.zip');
      const summary = await runExport(
        ['--room', room, '--out', out, '--name', '행복한 채팅', '--creator', olga.id],
        {
          DATABASE_URL: sys.env.DATABASE_URL,
          MONGO_URL: '',
        },
      );
      expect(summary).toMatchObject({ roomId: room, messages: exported, days: expect.any(Number) });
      expect(checkArchive(readZip(readFileSync(out)), '행복한 채팅')).toBe(exported);
      await expect(runExport(['--room', 'nope', '--out', out], {})).rejects.toThrow('--room');
    });

    it('lets the owner alone set the room’s retention', async () => {
      expect((await call(bob, 'PUT', `/rooms/${room}/retention`, { days: 1 })).status).toBe(403);
      expect((await call(olga, 'PUT', `/rooms/${room}/retention`, { days: -3 })).status).toBe(400);
      expect((await call(olga, 'PUT', `/rooms/${room}/retention`, { days: 30 })).body).toEqual({
        roomId: room,
        days: 30,
      });
      expect((await call(bob, 'GET', `/rooms/${room}/retention`)).body).toEqual({ roomId: room, days: 30 });
      expect((await call(olga, 'PUT', `/rooms/${room}/retention`, { days: null })).body).toEqual({
        roomId: room,
        days: null,
      });
    });
  });
});

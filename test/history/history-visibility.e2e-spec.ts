import type {
  MessagePageView,
  MessageSearchView,
  MessageView,
  ReadPositionView,
  RoomSummariesView,
  RoomView,
} from '@app/contracts';
import { api, registerUser, TestUser } from '../support/http';
import { startSystem, RunningSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';

const enc = encodeURIComponent;

/**
 * The room setting that hides history from before one joined (`historyVisibility: 'joined'`),
 * through the real gateway and services: a late joiner reads nothing from before their join on
 * any read path (pages, around a message, date windows, search in the room and across rooms,
 * replay, sync, the room list's preview and unread count, operations naming a message by id);
 * members from before keep everything; the default `shared` shows all; owners and admins change
 * it, members cannot; a rejoin starts from the new join.
 */
describe('history: hide history before join', () => {
  let sys: RunningSystem;
  let olga: TestUser;
  let ada: TestUser;
  let bob: TestUser;
  let carl: TestUser;
  let room: string;
  let shared: string;
  let carlWs: TestSocket;
  const before: MessageView[] = [];
  const after: MessageView[] = [];
  let lastSeqBeforeCarl = 0;

  const call = <T = Record<string, unknown>>(user: TestUser, method: string, path: string, body?: unknown) =>
    api<T>(sys.baseUrl, method, `/api/v1${path}`, { token: user.token, body });

  async function send(user: TestUser, roomId: string, content: string, replyToId?: string) {
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

  const ids = (messages: MessageView[]) => messages.map((m) => m.id);
  const hiddenIds = () => new Set(ids(before));

  async function page(user: TestUser, roomId: string, query = ''): Promise<MessagePageView> {
    const res = await call<MessagePageView>(user, 'GET', `/rooms/${roomId}/messages${query}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  async function setVisibility(user: TestUser, roomId: string, historyVisibility: string) {
    return call<RoomView>(user, 'PATCH', `/rooms/${roomId}/settings`, { historyVisibility });
  }

  beforeAll(async () => {
    sys = await startSystem();
    [olga, ada, bob, carl] = await Promise.all([
      registerUser(sys.baseUrl, 'olga', 'Olga'),
      registerUser(sys.baseUrl, 'ada', 'Ada'),
      registerUser(sys.baseUrl, '김민수', '민수'),
      registerUser(sys.baseUrl, 'carl', 'Carl'),
    ]);
    const created = await call<RoomView>(olga, 'POST', '/rooms', {
      name: '비밀 방',
      historyVisibility: 'joined',
    });
    expect(created.status).toBe(201);
    expect(created.body.settings).toMatchObject({ historyVisibility: 'joined' });
    room = created.body.id;
    await admit(olga, room, ada);
    await admit(olga, room, bob);
    expect((await call(olga, 'PUT', `/rooms/${room}/members/${ada.id}/role`, { role: 'admin' })).status).toBe(
      200,
    );
    before.push(await send(olga, room, '회의 secret alpha: 점심은 12시'));
    before.push(await send(bob, room, 'secret beta, before Carl'));
    const newest = await page(olga, room, '?limit=1');
    lastSeqBeforeCarl = newest.messages[0].seq;

    await admit(olga, room, carl);
    carlWs = await TestSocket.connect(sys.wsUrl, carl.token);
  }, 90_000);

  afterAll(async () => {
    await carlWs?.close();
    await sys?.stop();
  });

  it('a newcomer sees no preview of what was said before they joined, and nothing unread', async () => {
    const summary = await call<RoomSummariesView>(carl, 'GET', '/me/rooms/summary');
    expect(summary.status).toBe(200);
    const mine = summary.body.rooms.find((r) => r.roomId === room);
    expect(mine).toBeDefined();
    expect(mine?.lastMessage).toBeUndefined();
    const reads = await call<{ positions: ReadPositionView[] }>(carl, 'GET', `/rooms/${room}/reads`);
    const carlRead = reads.body.positions.find((p) => p.userId === carl.id)?.lastReadSeq ?? 0;
    // Unread = lastSeq − last read: what was said before the join counts as read.
    expect((mine?.lastSeq ?? 0) - carlRead).toBe(0);
    // A member from before the join still gets the preview.
    const olgaSummary = await call<RoomSummariesView>(olga, 'GET', '/me/rooms/summary');
    expect(olgaSummary.body.rooms.find((r) => r.roomId === room)?.lastMessage?.id).toBe(before[1].id);
  });

  it('after the join, the newcomer reads only what was said since', async () => {
    after.push(await send(olga, room, 'secret gamma, welcome Carl'));
    after.push(await send(bob, room, '답장: secret delta', before[0].id));
    const summary = await call<RoomSummariesView>(carl, 'GET', '/me/rooms/summary');
    expect(summary.body.rooms.find((r) => r.roomId === room)?.lastMessage?.id).toBe(after[1].id);

    const newest = await page(carl, room);
    expect(newest.messages.every((m) => m.seq > lastSeqBeforeCarl)).toBe(true);
    expect(ids(newest.messages)).toEqual(expect.arrayContaining(ids(after)));
    expect(newest.hasMore).toBe(false);

    const older = await page(carl, room, `?beforeSeq=${after[0].seq}`);
    expect(older.messages.filter((m) => m.seq <= lastSeqBeforeCarl)).toEqual([]);
    expect(older.hasMore).toBe(false);

    const fromStart = await page(carl, room, '?afterSeq=0');
    expect(fromStart.messages.every((m) => m.seq > lastSeqBeforeCarl)).toBe(true);
    expect(ids(fromStart.messages)).toEqual(expect.arrayContaining(ids(after)));

    const around = await page(carl, room, `?aroundId=${after[0].id}&limit=10`);
    expect(around.messages.every((m) => m.seq > lastSeqBeforeCarl)).toBe(true);
    expect(around.hasMoreBefore).toBe(false);

    const from = enc(new Date(Date.now() - 86_400_000).toISOString());
    const to = enc(new Date(Date.now() + 60_000).toISOString());
    const window = await page(carl, room, `?from=${from}&to=${to}`);
    expect(window.messages.every((m) => m.seq > lastSeqBeforeCarl)).toBe(true);
    expect(ids(window.messages)).toEqual(expect.arrayContaining(ids(after)));

    const replay = await call<MessagePageView>(carl, 'GET', `/rooms/${room}/replay?from=${from}&to=${to}`);
    expect(replay.status).toBe(200);
    expect(replay.body.messages.every((m) => m.seq > lastSeqBeforeCarl)).toBe(true);
    expect(ids(replay.body.messages)).toEqual(expect.arrayContaining(ids(after)));
  });

  it('a message from before the join is not found by id: around it, replying, reacting, deleting', async () => {
    const hidden = before[0].id;
    expect(await call(carl, 'GET', `/rooms/${room}/messages?aroundId=${hidden}`)).toMatchObject({
      status: 404,
      body: { code: 'history.message_not_found' },
    });
    const reply = await call(carl, 'POST', `/rooms/${room}/messages`, {
      clientMsgId: 'reply-to-hidden',
      content: 'what was this?',
      replyToId: hidden,
    });
    expect(reply).toMatchObject({ status: 404, body: { code: 'history.message_not_found' } });
    expect(await call(carl, 'PUT', `/rooms/${room}/messages/${hidden}/reactions/${enc('👍')}`)).toMatchObject(
      {
        status: 404,
        body: { code: 'history.message_not_found' },
      },
    );
    expect(await call(carl, 'DELETE', `/rooms/${room}/messages/${hidden}`)).toMatchObject({
      status: 404,
      body: { code: 'history.message_not_found' },
    });
    // The reply Bob wrote is visible; the message it answers stays out of reach.
    const shown = await page(carl, room);
    expect(shown.messages.find((m) => m.id === after[1].id)?.replyToId).toBe(hidden);
    // Members from before the join still have all of it.
    const olgaView = await page(olga, room, `?aroundId=${hidden}&limit=3`);
    expect(ids(olgaView.messages)).toContain(hidden);
  });

  it('search, in the room and across rooms, finds only what was said since the join', async () => {
    const inRoom = await call<MessageSearchView>(carl, 'GET', `/rooms/${room}/messages/search?q=secret`);
    expect(inRoom.status).toBe(200);
    expect(ids(inRoom.body.messages).sort()).toEqual(ids(after).sort());
    const korean = await call<MessageSearchView>(
      carl,
      'GET',
      `/rooms/${room}/messages/search?q=${enc('회의')}`,
    );
    expect(korean.body.messages).toEqual([]);
    const across = await call<MessageSearchView>(carl, 'GET', '/search/messages?q=secret');
    expect(across.status).toBe(200);
    expect(ids(across.body.messages).filter((id) => hiddenIds().has(id))).toEqual([]);
    expect(ids(across.body.messages)).toEqual(expect.arrayContaining(ids(after)));
    // Olga, in the room from its start, finds all four.
    const olgaHits = await call<MessageSearchView>(olga, 'GET', `/rooms/${room}/messages/search?q=secret`);
    expect(ids(olgaHits.body.messages).sort()).toEqual([...ids(before), ...ids(after)].sort());
  });

  it('sync from seq 0 over the socket fills only what was said since the join', async () => {
    const res = await carlWs.request({ type: 'sync', rooms: [{ roomId: room, afterSeq: 0 }] });
    expect(res.type).toBe('sync.result');
    const synced = (res.rooms as Array<{ roomId: string; messages: MessageView[] }>)[0];
    expect(synced.messages.every((m) => m.seq > lastSeqBeforeCarl)).toBe(true);
    expect(ids(synced.messages)).toEqual(expect.arrayContaining(ids(after)));
  });

  it('live edits and reactions of older messages do not reach the newcomer; of newer ones they do', async () => {
    const edited = await call(olga, 'PATCH', `/rooms/${room}/messages/${before[0].id}`, {
      content: '회의 secret alpha: 점심은 1시 (edited)',
    });
    expect(edited.status).toBe(200);
    expect(
      (await call(bob, 'PUT', `/rooms/${room}/messages/${before[1].id}/reactions/${enc('👍')}`)).status,
    ).toBe(200);
    // Published after them on the same room stream: once it is here, they would have been too.
    const marker = await send(olga, room, 'secret marker after the old edits');
    after.push(marker);
    await carlWs.waitFor((f) => f.type === 'message.created' && (f.message as MessageView).id === marker.id);
    expect(carlWs.ofType('message.edited').map((f) => (f.message as MessageView).id)).not.toContain(
      before[0].id,
    );
    expect(carlWs.ofType('message.reaction.changed').map((f) => f.messageId)).not.toContain(before[1].id);

    expect(
      (await call(olga, 'PATCH', `/rooms/${room}/messages/${after[0].id}`, { content: 'secret gamma!' }))
        .status,
    ).toBe(200);
    await carlWs.waitFor((f) => f.type === 'message.edited' && (f.message as MessageView).id === after[0].id);
    expect(
      (await call(bob, 'PUT', `/rooms/${room}/messages/${after[0].id}/reactions/${enc('👍')}`)).status,
    ).toBe(200);
    await carlWs.waitFor((f) => f.type === 'message.reaction.changed' && f.messageId === after[0].id);
  });

  it('the default is shared: a late joiner reads everything', async () => {
    const created = await call<RoomView>(olga, 'POST', '/rooms', { name: 'Open room' });
    expect(created.body.settings).toMatchObject({ historyVisibility: 'shared' });
    shared = created.body.id;
    const early = await send(olga, shared, 'secret epsilon, said early');
    await admit(olga, shared, carl);
    expect(ids((await page(carl, shared)).messages)).toContain(early.id);
    expect(ids((await page(carl, shared, `?aroundId=${early.id}`)).messages)).toContain(early.id);
    const hits = await call<MessageSearchView>(carl, 'GET', `/rooms/${shared}/messages/search?q=epsilon`);
    expect(ids(hits.body.messages)).toEqual([early.id]);
    const summary = await call<RoomSummariesView>(carl, 'GET', '/me/rooms/summary');
    expect(summary.body.rooms.find((r) => r.roomId === shared)?.lastMessage?.id).toBe(early.id);
  });

  it('only the owner or an admin changes it; members are refused; the room is told', async () => {
    expect(await setVisibility(carl, room, 'shared')).toMatchObject({
      status: 403,
      body: { code: 'room.forbidden' },
    });
    expect((await setVisibility(ada, room, 'everyone')).status).toBe(400);
    const updated = carlWs.waitFor(
      (f) =>
        f.type === 'room.updated' &&
        (f.room as RoomView).id === room &&
        (f.room as RoomView).settings?.historyVisibility === 'shared',
    );
    const opened = await setVisibility(ada, room, 'shared');
    expect(opened.status).toBe(200);
    expect(opened.body.settings).toMatchObject({ historyVisibility: 'shared' });
    await updated;
    expect(ids((await page(carl, room, '?afterSeq=0')).messages)).toEqual(
      expect.arrayContaining(ids(before)),
    );
    const got = await call<RoomView>(carl, 'GET', `/rooms/${room}`);
    expect(got.body.settings).toMatchObject({ historyVisibility: 'shared' });
    // Live too: the gateway follows the setting, so an edit of an older message now reaches Carl.
    const old = before[0].id;
    const edit = (content: string) => call(olga, 'PATCH', `/rooms/${room}/messages/${old}`, { content });
    expect((await edit('secret beta, now shared')).status).toBe(200);
    await carlWs.waitFor((f) => f.type === 'message.edited' && (f.message as MessageView).id === old);

    const closed = await setVisibility(olga, room, 'joined');
    expect(closed.status).toBe(200);
    const hiddenAgain = await page(carl, room, '?afterSeq=0');
    expect(ids(hiddenAgain.messages).filter((id) => hiddenIds().has(id))).toEqual([]);
    // And hidden again: a second edit of it does not reach him (the marker follows it in the room).
    const editsOfOld = () =>
      carlWs.ofType('message.edited').filter((f) => (f.message as MessageView).id === old).length;
    expect(editsOfOld()).toBe(1);
    expect((await edit('secret beta, hidden again')).status).toBe(200);
    const marker = await send(olga, room, 'secret marker after the second edit');
    await carlWs.waitFor((f) => f.type === 'message.created' && (f.message as MessageView).id === marker.id);
    expect(editsOfOld()).toBe(1);
  });

  it('a member who leaves and rejoins reads from the new join only', async () => {
    expect((await call(bob, 'POST', `/rooms/${room}/leave`)).status).toBe(200);
    const away = await send(olga, room, 'secret zeta, while Bob was away');
    await admit(olga, room, bob);
    const seen = await page(bob, room, '?afterSeq=0');
    expect(ids(seen.messages).filter((id) => [...hiddenIds(), ...ids(after), away.id].includes(id))).toEqual(
      [],
    );
    const hits = await call<MessageSearchView>(bob, 'GET', `/rooms/${room}/messages/search?q=secret`);
    expect(hits.body.messages).toEqual([]);
    const welcome = await send(olga, room, 'secret eta, welcome back');
    expect(ids((await page(bob, room)).messages)).toContain(welcome.id);
  });
});

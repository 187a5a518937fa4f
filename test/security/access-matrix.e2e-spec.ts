import { forgedTokens } from '../auth/tokens';
import { becomeGuest, loginAdmin, PEOPLE_ENV, someone } from '../rooms/people';
import { api, TestUser } from '../support/http';
import { createRoomWith } from '../support/rooms';
import { RunningSystem, startSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';

const ACTORS = ['anonymous', 'guest', 'member', 'nonMember', 'banned', 'admin'] as const;
type Actor = (typeof ACTORS)[number];
const SIGNED_IN = ['guest', 'member', 'nonMember', 'banned', 'admin'] as const;
const ROOM_READERS: Actor[] = ['member'];

interface Case {
  name: string;
  allowed: readonly Actor[];
  /** `path` may use :room (the member's room), :msg (a message in it), :owner (its owner's id). */
  method: string;
  path: string;
  body?: unknown;
}

/**
 * The endpoints outside the rooms matrix (test/rooms/authorization-matrix.e2e-spec.ts covers
 * every room endpoint as owner/admin/member/non-member/banned/guest): auth, me, users, admin,
 * messages by id, search, export, reads, presence, tried as anonymous, guest, a member of the
 * room, a registered non-member, a banned ex-member and the site admin, always on resources that
 * belong to someone else (another user's room, message and account).
 */
describe('authorization: every other endpoint × anonymous, guest, member, non-member, banned, admin', () => {
  let sys: RunningSystem;
  const who = {} as Record<Exclude<Actor, 'anonymous'>, TestUser>;
  let owner: TestUser;
  let victim: TestUser;
  let room = '';
  let msg = '';

  const CASES: Case[] = [
    { name: 'GET /me', allowed: SIGNED_IN, method: 'GET', path: '/api/v1/me' },
    {
      name: 'PATCH /me',
      allowed: SIGNED_IN,
      method: 'PATCH',
      path: '/api/v1/me',
      body: { displayName: 'Renamed' },
    },
    { name: 'GET /me/sessions', allowed: SIGNED_IN, method: 'GET', path: '/api/v1/me/sessions' },
    { name: 'GET /me/rooms/summary', allowed: SIGNED_IN, method: 'GET', path: '/api/v1/me/rooms/summary' },
    { name: 'GET /users (guests too)', allowed: SIGNED_IN, method: 'GET', path: '/api/v1/users?query=own' },
    {
      name: 'GET /users/:id (another user)',
      allowed: SIGNED_IN,
      method: 'GET',
      path: '/api/v1/users/:owner',
    },
    { name: 'GET /admin/users', allowed: ['admin'], method: 'GET', path: '/api/v1/admin/users' },
    {
      name: 'GET /admin/reports (every room’s reports)',
      allowed: ['admin'],
      method: 'GET',
      path: '/api/v1/admin/reports?status=open',
    },
    {
      name: 'POST /admin/users/:id/deactivate',
      allowed: ['admin'],
      method: 'POST',
      path: '/api/v1/admin/users/:victim/deactivate',
    },
    {
      name: 'GET /friends (a guest sees empty lists)',
      allowed: SIGNED_IN,
      method: 'GET',
      path: '/api/v1/friends',
    },
    {
      name: 'GET /topics/proposals (one’s own; all for admins)',
      allowed: SIGNED_IN,
      method: 'GET',
      path: '/api/v1/topics/proposals',
    },
    {
      name: 'GET /rooms/:id (another’s room)',
      allowed: ROOM_READERS,
      method: 'GET',
      path: '/api/v1/rooms/:room',
    },
    {
      name: 'GET /rooms/:id/messages',
      allowed: ROOM_READERS,
      method: 'GET',
      path: '/api/v1/rooms/:room/messages',
    },
    {
      name: 'GET /rooms/:id/replay',
      allowed: ROOM_READERS,
      method: 'GET',
      path: '/api/v1/rooms/:room/replay?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z',
    },
    {
      name: 'GET /rooms/:id/messages/search',
      allowed: ROOM_READERS,
      method: 'GET',
      path: '/api/v1/rooms/:room/messages/search?q=secret',
    },
    {
      name: 'GET /search/messages (room named)',
      allowed: ['guest', 'member', 'nonMember', 'banned', 'admin'],
      method: 'GET',
      path: '/api/v1/search/messages?q=secret',
    },
    {
      name: 'PATCH /rooms/:id/messages/:mid (the owner’s message)',
      allowed: [],
      method: 'PATCH',
      path: '/api/v1/rooms/:room/messages/:msg',
      body: { content: 'hijacked' },
    },
    { name: 'GET /rooms/:id/export', allowed: [], method: 'GET', path: '/api/v1/rooms/:room/export' },
    { name: 'GET /rooms/:id/reads', allowed: ROOM_READERS, method: 'GET', path: '/api/v1/rooms/:room/reads' },
    {
      name: 'POST /rooms/:id/read',
      allowed: ROOM_READERS,
      method: 'POST',
      path: '/api/v1/rooms/:room/read',
      body: { seq: 1 },
    },
    {
      name: 'GET /rooms/:id/presence',
      allowed: ROOM_READERS,
      method: 'GET',
      path: '/api/v1/rooms/:room/presence',
    },
    {
      name: 'GET /rooms/:id/retention',
      allowed: ROOM_READERS,
      method: 'GET',
      path: '/api/v1/rooms/:room/retention',
    },
    {
      name: 'PUT /rooms/:id/retention',
      allowed: [],
      method: 'PUT',
      path: '/api/v1/rooms/:room/retention',
      body: { days: 1 },
    },
  ];

  beforeAll(async () => {
    sys = await startSystem(PEOPLE_ENV);
    owner = await someone(sys.baseUrl, 'owner');
    victim = await someone(sys.baseUrl, 'deact');
    who.member = await someone(sys.baseUrl, 'member');
    who.nonMember = await someone(sys.baseUrl, 'outsider');
    who.banned = await someone(sys.baseUrl, 'banned');
    who.guest = await becomeGuest(sys.baseUrl);
    who.admin = await loginAdmin(sys.baseUrl);
    room = await createRoomWith(sys.baseUrl, owner, [who.member, who.banned], 'private');
    const ban = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${room}/bans`, {
      token: owner.token,
      body: { userId: who.banned.id },
    });
    expect(ban.status).toBeLessThan(300);
    const sent = await api<{ message: { id: string } }>(
      sys.baseUrl,
      'POST',
      `/api/v1/rooms/${room}/messages`,
      {
        token: owner.token,
        body: { clientMsgId: 'secret-1', content: 'a secret only members may read' },
      },
    );
    msg = sent.body.message.id;
  }, 120_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const wrong: string[] = [];
    for (const actor of ACTORS) {
      const path = c.path
        .replace(':room', room)
        .replace(':msg', msg)
        .replace(':owner', owner.id)
        .replace(':victim', victim.id);
      const token = actor === 'anonymous' ? undefined : who[actor].token;
      const res = await fetch(`${sys.baseUrl}${path}`, {
        method: c.method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(c.body ? { 'content-type': 'application/json' } : {}),
        },
        body: c.body ? JSON.stringify(c.body) : undefined,
      });
      const text = await res.text();
      const expected = c.allowed.includes(actor);
      const leaked = !ROOM_READERS.includes(actor) && text.includes('a secret only members');
      if (res.ok !== expected || res.status >= 500 || (!res.ok && !/"code":"[a-z_.]+"/.test(text)) || leaked)
        wrong.push(
          `${actor}: expected ${expected ? 'success' : 'refusal'}, got ${res.status} ${text.slice(0, 100)}`,
        );
      if (actor === 'anonymous' && res.status !== 401)
        wrong.push(`anonymous: expected 401, got ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('sync and typing frames for another’s room are refused for everyone but the member', async () => {
    for (const actor of SIGNED_IN) {
      const ws = await TestSocket.connect(sys.wsUrl, who[actor].token);
      const synced = await ws.request({ type: 'sync', rooms: [{ roomId: room, afterSeq: 0 }] });
      const result = (synced.rooms as Array<{ messages?: unknown[]; error?: { code: string } }>)[0];
      const typing = await (async () => {
        const id = ws.nextId();
        ws.sendRaw(JSON.stringify({ type: 'typing', id, roomId: room, active: true }));
        await ws.request({ type: 'ping' });
        return ws.frames.find((f) => f.id === id && f.type === 'error');
      })();
      if (actor === 'member') {
        expect(result.messages?.length).toBeGreaterThan(0);
        expect(typing).toBeUndefined();
      } else {
        expect(result.error?.code).toMatch(/^room\.(not_member|banned|not_found)$/);
        expect(JSON.stringify(synced)).not.toContain('a secret only members');
        expect(typing?.code).toMatch(/^room\./);
      }
      await ws.close();
    }
  });

  it('refuses expired, forged (alg none, wrong key), non-access, garbage and revoked tokens on HTTP and at the WebSocket upgrade', async () => {
    const victim = await someone(sys.baseUrl, 'victim');
    const sid = (
      JSON.parse(Buffer.from(victim.token.split('.')[1], 'base64url').toString()) as { sid: string }
    ).sid;
    const bad: Record<string, string> = forgedTokens(String(sys.env.JWT_SECRET), { sub: victim.id, sid });
    const loggedOut = await someone(sys.baseUrl, 'leaver');
    expect(
      (await api(sys.baseUrl, 'POST', '/api/v1/auth/logout', { token: loggedOut.token })).status,
    ).toBeLessThan(300);
    bad.revoked = loggedOut.token;

    const wrong: string[] = [];
    for (const [kind, token] of Object.entries(bad)) {
      for (const path of ['/api/v1/me', `/api/v1/rooms/${room}/messages`, '/api/v1/admin/users']) {
        const res = await api<{ code?: string }>(sys.baseUrl, 'GET', path, { token });
        if (res.status !== 401 || !String(res.body?.code).startsWith('auth.'))
          wrong.push(`${kind} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      const refused = await TestSocket.connect(sys.wsUrl, token).then(
        async (ws) => (await ws.close(), 'accepted'),
        (err: { status?: number }) => String(err.status),
      );
      if (refused !== '401') wrong.push(`${kind} at the upgrade: ${refused}`);
    }
    expect(wrong).toEqual([]);
    // The real token still works: the refusals above are about the tokens, not the user.
    expect((await api(sys.baseUrl, 'GET', '/api/v1/me', { token: victim.token })).status).toBe(200);
  });
});

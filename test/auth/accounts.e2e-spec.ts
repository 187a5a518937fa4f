import { Client } from 'pg';
import { api } from '../support/http';
import { RunningSystem, startSystem } from '../support/system';
import { JPEG, PNG, pngOfSize, TEXT_NAMED_PNG, WEBP } from './images';

interface Pair {
  user: { id: string; username: string; role: string };
  accessToken: string;
  refreshToken: string;
}

const PASSWORD = 'correct horse battery staple';
const ADMIN_PASSWORD = 'operators keep this safe';
const AVATAR_MAX = 4096;

/**
 * Profiles, avatars, search, administration and guests through the real gateway, plus bad
 * input at the edge: each gets its status and code, and nothing is half-written.
 */
describe('accounts through the gateway', () => {
  let sys: RunningSystem;
  let pg: Client;
  let alice: Pair;
  let admin: Pair;

  beforeAll(async () => {
    sys = await startSystem({
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD,
      AVATAR_MAX_BYTES: String(AVATAR_MAX),
    });
    pg = new Client({ connectionString: sys.db.url });
    await pg.connect();
    alice = await register('alice');
    admin = (
      await api<Pair>(sys.baseUrl, 'POST', '/api/v1/auth/login', {
        body: { username: 'ADMIN', password: ADMIN_PASSWORD },
      })
    ).body;
  }, 90_000);

  afterAll(async () => {
    await pg?.end();
    await sys?.stop();
  });

  async function register(username: string, displayName?: string): Promise<Pair> {
    const res = await api<Pair>(sys.baseUrl, 'POST', '/api/v1/auth/register', {
      body: { username, password: PASSWORD, ...(displayName ? { displayName } : {}) },
    });
    if (res.status !== 201)
      throw new Error(`register ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
  const count = async (sql: string): Promise<number> =>
    Number((await pg.query(`SELECT count(*)::int AS n FROM (${sql}) q`)).rows[0].n);
  const upload = (token: string, body: Buffer, contentType: string, extra: Record<string, string> = {}) =>
    fetch(`${sys.baseUrl}/api/v1/me/avatar`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...extra },
      body,
    });

  describe('profile', () => {
    it('shows and changes my profile', async () => {
      const patched = await api(sys.baseUrl, 'PATCH', '/api/v1/me', {
        token: alice.accessToken,
        body: { displayName: '앨리스 🐰', statusText: '점심 먹는 중' },
      });
      expect(patched).toMatchObject({
        status: 200,
        body: { displayName: '앨리스 🐰', statusText: '점심 먹는 중' },
      });
      const me = await api(sys.baseUrl, 'GET', '/api/v1/me', { token: alice.accessToken });
      expect(me.body).toEqual({
        id: alice.user.id,
        username: 'alice',
        displayName: '앨리스 🐰',
        statusText: '점심 먹는 중',
        hasAvatar: false,
        role: 'user',
        sessionId: expect.any(String),
      });
      const pub = await api(sys.baseUrl, 'GET', `/api/v1/users/${alice.user.id}`, {
        token: admin.accessToken,
      });
      expect(pub.body).toEqual({
        id: alice.user.id,
        username: 'alice',
        displayName: '앨리스 🐰',
        statusText: '점심 먹는 중',
        hasAvatar: false,
        role: 'user',
      });
    });

    it.each([
      ['a status over 140 characters', { statusText: '가'.repeat(141) }],
      ['a number as display name', { displayName: 5 }],
      ['an unknown field', { role: 'admin' }],
      ['a NUL character', { statusText: 'a\u0000b' }],
      ['a lone surrogate', { rawBody: '{"statusText":"\\ud800"}' }],
      ['a control character', { displayName: 'beep\u0007' }],
      ['nothing at all', {}],
    ])('refuses %s with 400 and changes nothing', async (_label, body) => {
      const before = (
        await pg.query('SELECT display_name, status_text, role FROM auth.users WHERE id = $1', [
          alice.user.id,
        ])
      ).rows;
      const { rawBody, ...json } = body as { rawBody?: string };
      const res = await api(sys.baseUrl, 'PATCH', '/api/v1/me', {
        token: alice.accessToken,
        ...(rawBody ? { rawBody } : { body: json }),
      });
      expect(res).toMatchObject({ status: 400, body: { code: 'common.validation_failed' } });
      expect(
        (
          await pg.query('SELECT display_name, status_text, role FROM auth.users WHERE id = $1', [
            alice.user.id,
          ])
        ).rows,
      ).toEqual(before);
    });

    it('answers 404 for an unknown user and 400 for a bad id', async () => {
      const unknown = await api(sys.baseUrl, 'GET', '/api/v1/users/0190a000-0000-7000-8000-000000000000', {
        token: alice.accessToken,
      });
      expect(unknown).toMatchObject({ status: 404, body: { code: 'auth.user_not_found' } });
      const bad = await api(sys.baseUrl, 'GET', '/api/v1/users/42', { token: alice.accessToken });
      expect(bad).toMatchObject({ status: 400, body: { code: 'common.validation_failed' } });
      expect((await api(sys.baseUrl, 'GET', `/api/v1/users/${alice.user.id}`)).status).toBe(401);
    });
  });

  describe('avatar', () => {
    it.each([
      ['image/png', PNG],
      ['image/jpeg', JPEG],
      ['image/webp', WEBP],
    ])('stores %s and serves it safely, with a validator', async (type, bytes) => {
      const put = await upload(alice.accessToken, bytes, type);
      expect(put.status).toBe(200);
      expect(await put.json()).toMatchObject({ hasAvatar: true });
      const got = await fetch(`${sys.baseUrl}/api/v1/users/${alice.user.id}/avatar`);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe(type);
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.headers.get('content-security-policy')).toBe("default-src 'none'");
      expect(got.headers.get('cache-control')).toBe('public, max-age=60');
      const etag = got.headers.get('etag') as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
      expect(Buffer.from(await got.arrayBuffer())).toEqual(bytes);
      const again = await fetch(`${sys.baseUrl}/api/v1/users/${alice.user.id}/avatar`, {
        headers: { 'if-none-match': etag },
      });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
    });

    it.each([
      ['a text file named .png', TEXT_NAMED_PNG, 'image/png', 415, 'auth.invalid_image'],
      ['JPEG bytes labelled PNG', JPEG, 'image/png', 415, 'auth.invalid_image'],
      ['a text content type', PNG, 'text/plain', 415, 'auth.invalid_image'],
      [
        'SVG',
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        'image/svg+xml',
        415,
        'auth.invalid_image',
      ],
      ['JSON', Buffer.from('{"a":1}'), 'application/json', 415, 'auth.invalid_image'],
      ['an image over the cap', pngOfSize(AVATAR_MAX + 1), 'image/png', 413, 'common.payload_too_large'],
      ['a huge image', pngOfSize(3 * 1024 * 1024), 'image/png', 413, 'common.payload_too_large'],
    ])('refuses %s and keeps the old avatar', async (_label, bytes, type, status, code) => {
      const before = (await pg.query('SELECT etag FROM auth.avatars WHERE user_id = $1', [alice.user.id]))
        .rows;
      const res = await upload(alice.accessToken, bytes, type);
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ code });
      expect(
        (await pg.query('SELECT etag FROM auth.avatars WHERE user_id = $1', [alice.user.id])).rows,
      ).toEqual(before);
    });

    it('refuses an over-cap image sent without a length (chunked)', async () => {
      const chunks = [pngOfSize(AVATAR_MAX), Buffer.alloc(512)];
      const res = await fetch(`${sys.baseUrl}/api/v1/me/avatar`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${alice.accessToken}`, 'content-type': 'image/png' },
        body: new ReadableStream({
          pull(controller) {
            const next = chunks.shift();
            if (next) controller.enqueue(new Uint8Array(next));
            else controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit & { duplex: 'half' });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 'common.payload_too_large' });
    });

    it('is not for guests or the signed-out; 404 when there is none', async () => {
      const guest = await api<Pair>(sys.baseUrl, 'POST', '/api/v1/auth/guest');
      const res = await upload(guest.body.accessToken, PNG, 'image/png');
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'auth.forbidden' });
      const anon = await fetch(`${sys.baseUrl}/api/v1/me/avatar`, {
        method: 'PUT',
        headers: { 'content-type': 'image/png' },
        body: PNG,
      });
      expect(anon.status).toBe(401);
      const none = await api(sys.baseUrl, 'GET', `/api/v1/users/${guest.body.user.id}/avatar`);
      expect(none).toMatchObject({ status: 404, body: { code: 'common.not_found' } });
      const bob = await register('bob_avatar');
      await upload(bob.accessToken, PNG, 'image/png');
      const removed = await api(sys.baseUrl, 'DELETE', '/api/v1/me/avatar', { token: bob.accessToken });
      expect(removed).toMatchObject({ status: 200, body: { hasAvatar: false } });
      expect((await api(sys.baseUrl, 'GET', `/api/v1/users/${bob.user.id}/avatar`)).status).toBe(404);
    });
  });

  describe('search', () => {
    beforeAll(async () => {
      await register('minsu', 'Minsu Park');
      await register('김민수', 'Kim Minsu');
      await register('minho');
    });

    const search = (query: string, extra = '') =>
      api<{ users: Array<{ username: string }> }>(
        sys.baseUrl,
        'GET',
        `/api/v1/users?query=${encodeURIComponent(query)}${extra}`,
        { token: alice.accessToken },
      );

    it('finds people by username or display-name prefix, in any case or width', async () => {
      expect((await search('MIN')).body.users.map((u) => u.username)).toEqual(['minho', 'minsu']);
      expect((await search('ｍｉｎｓ')).body.users.map((u) => u.username)).toEqual(['minsu']);
      expect((await search('kim')).body.users.map((u) => u.username)).toEqual(['김민수']);
      expect((await search('김민')).body.users.map((u) => u.username)).toEqual(['김민수']);
      expect((await search('m', '&limit=1')).body.users).toHaveLength(1);
    });

    it.each([
      ['no query', '/api/v1/users'],
      ['an empty query', '/api/v1/users?query='],
      ['a blank query', '/api/v1/users?query=%20%20'],
      ['a NUL', '/api/v1/users?query=a%00'],
      ['a limit over 20', '/api/v1/users?query=m&limit=21'],
      ['a limit that is not a number', '/api/v1/users?query=m&limit=many'],
      ['two queries', '/api/v1/users?query=a&query=b'],
    ])('refuses %s with 400', async (_label, path) => {
      const res = await api(sys.baseUrl, 'GET', path, { token: alice.accessToken });
      expect(res).toMatchObject({ status: 400, body: { code: 'common.validation_failed' } });
    });
  });

  describe('administration', () => {
    it('lets the configured admin list accounts', async () => {
      const res = await api<{ users: Array<{ username: string }>; nextCursor: string | null }>(
        sys.baseUrl,
        'GET',
        '/api/v1/admin/users?query=ali&limit=10',
        { token: admin.accessToken },
      );
      expect(res.status).toBe(200);
      expect(res.body.users.map((u) => u.username)).toEqual(['alice']);
      expect(res.body.nextCursor).toBeNull();
    });

    it('answers 403 auth.forbidden to everyone else', async () => {
      for (const [method, path] of [
        ['GET', '/api/v1/admin/users'],
        ['POST', `/api/v1/admin/users/${admin.user.id}/deactivate`],
        ['POST', `/api/v1/admin/users/${alice.user.id}/reactivate`],
      ]) {
        const res = await api(sys.baseUrl, method, path, { token: alice.accessToken });
        expect(res).toMatchObject({ status: 403, body: { code: 'auth.forbidden' } });
      }
      expect(await count('SELECT 1 FROM auth.users WHERE deactivated_at IS NOT NULL')).toBe(0);
    });

    it('deactivates: the user is signed out at once and cannot log in; reactivation lets them back', async () => {
      const carol = await register('carol');
      const off = await api(sys.baseUrl, 'POST', `/api/v1/admin/users/${carol.user.id}/deactivate`, {
        token: admin.accessToken,
      });
      expect(off).toMatchObject({
        status: 200,
        body: { id: carol.user.id, deactivatedAt: expect.any(String) },
      });
      expect((await api(sys.baseUrl, 'GET', '/api/v1/me', { token: carol.accessToken })).body).toMatchObject({
        code: 'auth.session_revoked',
      });
      const login = () =>
        api(sys.baseUrl, 'POST', '/api/v1/auth/login', { body: { username: 'carol', password: PASSWORD } });
      expect((await login()).body).toMatchObject({ code: 'auth.invalid_credentials' });
      const on = await api(sys.baseUrl, 'POST', `/api/v1/admin/users/${carol.user.id}/reactivate`, {
        token: admin.accessToken,
      });
      expect(on).toMatchObject({ status: 200, body: { deactivatedAt: null } });
      expect((await login()).status).toBe(200);
      const unknown = await api(
        sys.baseUrl,
        'POST',
        '/api/v1/admin/users/0190a000-0000-7000-8000-000000000000/deactivate',
        {
          token: admin.accessToken,
        },
      );
      expect(unknown).toMatchObject({ status: 404, body: { code: 'auth.user_not_found' } });
    });
  });

  describe('guests', () => {
    it('get a nickname and a guest token, and can register keeping their id and name', async () => {
      const guest = await api<Pair>(sys.baseUrl, 'POST', '/api/v1/auth/guest');
      expect(guest.status).toBe(201);
      expect(guest.body.user).toMatchObject({
        role: 'guest',
        username: expect.stringMatching(/^\p{Script=Hangul}+\d+$/u),
      });
      const me = await api(sys.baseUrl, 'GET', '/api/v1/me', { token: guest.body.accessToken });
      expect(me.body).toMatchObject({ role: 'guest', username: guest.body.user.username });
      const up = await api<Pair>(sys.baseUrl, 'POST', '/api/v1/auth/guest/upgrade', {
        token: guest.body.accessToken,
        body: { password: 'a password of my own' },
      });
      expect(up.status).toBe(200);
      expect(up.body.user).toMatchObject({
        id: guest.body.user.id,
        username: guest.body.user.username,
        role: 'user',
      });
      const login = await api(sys.baseUrl, 'POST', '/api/v1/auth/login', {
        body: { username: guest.body.user.username, password: 'a password of my own' },
      });
      expect(login.status).toBe(200);
    });

    it('refuses an upgrade for a user, a taken name, or a weak password', async () => {
      const asUser = await api(sys.baseUrl, 'POST', '/api/v1/auth/guest/upgrade', {
        token: alice.accessToken,
        body: { password: 'whatever it is' },
      });
      expect(asUser).toMatchObject({ status: 403, body: { code: 'auth.forbidden' } });
      const guest = await api<Pair>(sys.baseUrl, 'POST', '/api/v1/auth/guest');
      const taken = await api(sys.baseUrl, 'POST', '/api/v1/auth/guest/upgrade', {
        token: guest.body.accessToken,
        body: { username: 'ＡＬＩＣＥ', password: 'a password of my own' },
      });
      expect(taken).toMatchObject({ status: 409, body: { code: 'auth.username_taken' } });
      const weak = await api(sys.baseUrl, 'POST', '/api/v1/auth/guest/upgrade', {
        token: guest.body.accessToken,
        body: { password: 'password' },
      });
      expect(weak).toMatchObject({ status: 400, body: { code: 'auth.weak_password' } });
      expect(
        await count(`SELECT 1 FROM auth.users WHERE id = '${guest.body.user.id}' AND role = 'guest'`),
      ).toBe(1);
    });
  });

  describe('password change', () => {
    it('changes the password and signs out the other devices', async () => {
      const here = await register('dave');
      const there = (
        await api<Pair>(sys.baseUrl, 'POST', '/api/v1/auth/login', {
          body: { username: 'dave', password: PASSWORD },
        })
      ).body;
      const wrong = await api(sys.baseUrl, 'POST', '/api/v1/me/password', {
        token: here.accessToken,
        body: { currentPassword: 'not it at all', newPassword: 'a fresh new secret' },
      });
      expect(wrong).toMatchObject({ status: 400, body: { code: 'auth.wrong_password' } });
      const ok = await api(sys.baseUrl, 'POST', '/api/v1/me/password', {
        token: here.accessToken,
        body: { currentPassword: PASSWORD, newPassword: 'a fresh new secret' },
      });
      expect(ok).toMatchObject({ status: 200, body: { revoked: 1 } });
      expect((await api(sys.baseUrl, 'GET', '/api/v1/me', { token: there.accessToken })).status).toBe(401);
      expect((await api(sys.baseUrl, 'GET', '/api/v1/me', { token: here.accessToken })).status).toBe(200);
    });
  });

  describe('bad input at registration', () => {
    it.each([
      [
        'an oversized username',
        { username: 'x'.repeat(65), password: PASSWORD },
        400,
        'common.validation_failed',
      ],
      [
        'an oversized password',
        { username: 'eve', password: 'x'.repeat(257) },
        400,
        'common.validation_failed',
      ],
      ['a number as username', { username: 42, password: PASSWORD }, 400, 'common.validation_failed'],
      [
        'an extra role field',
        { username: 'eve', password: PASSWORD, role: 'admin' },
        400,
        'common.validation_failed',
      ],
      [
        'a reserved name',
        { username: 'Ｍｏｄｅｒａｔｏｒ', password: PASSWORD },
        400,
        'auth.invalid_username',
      ],
      [
        'a fullwidth copy of a taken name',
        { username: 'ａｌｉｃｅ', password: PASSWORD },
        409,
        'auth.username_taken',
      ],
    ])('refuses %s, storing nothing', async (_label, body, status, code) => {
      const before = await count('SELECT 1 FROM auth.users');
      const res = await api(sys.baseUrl, 'POST', '/api/v1/auth/register', { body });
      expect(res).toMatchObject({ status, body: { code } });
      expect(await count('SELECT 1 FROM auth.users')).toBe(before);
      expect(await count('SELECT 1 FROM auth.sessions')).toBeGreaterThan(0);
    });

    it('refuses invalid Unicode and broken JSON', async () => {
      const before = await count('SELECT 1 FROM auth.users');
      const surrogate = await api(sys.baseUrl, 'POST', '/api/v1/auth/register', {
        rawBody: `{"username":"eve\\udc00","password":"${PASSWORD}"}`,
      });
      expect(surrogate).toMatchObject({ status: 400, body: { code: 'common.validation_failed' } });
      const broken = await api(sys.baseUrl, 'POST', '/api/v1/auth/register', { rawBody: '{"username":' });
      expect(broken).toMatchObject({ status: 400, body: { code: 'common.validation_failed' } });
      expect(await count('SELECT 1 FROM auth.users')).toBe(before);
    });
  });

  it('documents every endpoint it serves', async () => {
    const doc = (
      await api<{ paths: Record<string, Record<string, unknown>> }>(sys.baseUrl, 'GET', '/api/openapi.json')
    ).body;
    const expected: Array<[string, string]> = [
      ['/api/v1/auth/register', 'post'],
      ['/api/v1/auth/login', 'post'],
      ['/api/v1/auth/refresh', 'post'],
      ['/api/v1/auth/logout', 'post'],
      ['/api/v1/auth/guest', 'post'],
      ['/api/v1/auth/guest/upgrade', 'post'],
      ['/api/v1/me', 'get'],
      ['/api/v1/me', 'patch'],
      ['/api/v1/me/avatar', 'put'],
      ['/api/v1/me/avatar', 'delete'],
      ['/api/v1/me/password', 'post'],
      ['/api/v1/me/sessions', 'get'],
      ['/api/v1/me/sessions/revoke-others', 'post'],
      ['/api/v1/me/sessions/{id}', 'delete'],
      ['/api/v1/users', 'get'],
      ['/api/v1/users/{id}', 'get'],
      ['/api/v1/users/{id}/avatar', 'get'],
      ['/api/v1/admin/users', 'get'],
      ['/api/v1/admin/users/{id}/deactivate', 'post'],
      ['/api/v1/admin/users/{id}/reactivate', 'post'],
    ];
    for (const [path, method] of expected) expect(doc.paths[path]?.[method]).toBeDefined();
  });
});

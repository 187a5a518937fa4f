import { AuthErrorCode, AuthResultView, Commands, CommonErrorCode } from '@app/contracts';
import { verifyAccessToken } from '@app/common';
import { AuthHarness, failure, PASSWORD, startAuthHarness } from '../../../../test/auth/auth-harness';
import { eventually } from '../../../../test/support/infra';

describe('auth service: guests and password changes', () => {
  let h: AuthHarness;

  beforeAll(async () => {
    h = await startAuthHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  const sid = (token: string) => verifyAccessToken(token, h.secret).sid;
  const guest = () => h.rpc.request(Commands.AUTH_GUEST_CREATE, { userAgent: 'guest tab' });
  const upgrade = (
    g: AuthResultView,
    input: { username?: string; password?: string; displayName?: string } = {},
  ) =>
    h.rpc.request(Commands.AUTH_GUEST_UPGRADE, {
      actorId: g.user.id,
      sessionId: sid(g.accessToken),
      password: PASSWORD,
      ...input,
    });
  const userRow = async (id: string) =>
    (
      await h.pg.query('SELECT username, username_key, role, password_hash FROM auth.users WHERE id = $1', [
        id,
      ])
    ).rows[0];

  describe('guests', () => {
    it('get a generated Korean nickname and a limited, short-lived session', async () => {
      const [a, b] = await Promise.all([guest(), guest()]);
      for (const g of [a, b]) {
        expect(g.user).toMatchObject({
          role: 'guest',
          username: expect.stringMatching(/^\p{Script=Hangul}+\d{4}$/u),
        });
        expect(g.user.displayName).toBe(g.user.username);
        expect(verifyAccessToken(g.accessToken, h.secret)).toMatchObject({ sub: g.user.id, role: 'guest' });
        const refreshLife = Date.parse(g.refreshExpiresAt as string) - Date.now();
        expect(refreshLife).toBeGreaterThan(86_000_000);
        expect(refreshLife).toBeLessThanOrEqual(86_400_000);
      }
      expect(a.user.username).not.toBe(b.user.username);
      expect((await userRow(a.user.id)).password_hash).toBe('!guest');
    });

    it('cannot log in by nickname, with any password', async () => {
      const g = await guest();
      for (const password of ['!guest', '', 'anything at all'].filter(Boolean)) {
        await expect(failure(h.login(g.user.username, password))).resolves.toMatchObject({
          code: AuthErrorCode.INVALID_CREDENTIALS,
        });
      }
    });

    it('are not found by user search', async () => {
      const g = await guest();
      const me = await h.register('searcher');
      const found = await h.rpc.request(Commands.AUTH_USERS_SEARCH, {
        actorId: me.user.id,
        query: g.user.username,
      });
      expect(found.users).toEqual([]);
    });

    it('register keeping id and nickname, with new tokens for the same session', async () => {
      const g = await guest();
      const out = await upgrade(g);
      expect(out.user).toMatchObject({ id: g.user.id, username: g.user.username, role: 'user' });
      expect(verifyAccessToken(out.accessToken, h.secret)).toMatchObject({
        sub: g.user.id,
        sid: sid(g.accessToken),
        role: 'user',
      });
      expect(Date.parse(out.refreshExpiresAt as string) - Date.now()).toBeGreaterThan(29 * 86_400_000);
      await expect(h.login(g.user.username)).resolves.toMatchObject({
        user: { id: g.user.id, role: 'user' },
      });
      // The guest's refresh family is over; the new one works.
      await expect(
        failure(h.rpc.request(Commands.AUTH_REFRESH, { refreshToken: g.refreshToken as string })),
      ).resolves.toMatchObject({ code: AuthErrorCode.REFRESH_INVALID });
      await expect(
        h.rpc.request(Commands.AUTH_REFRESH, { refreshToken: out.refreshToken as string }),
      ).resolves.toMatchObject({
        user: { role: 'user' },
      });
      const me = await h.register('finder');
      const found = await h.rpc.request(Commands.AUTH_USERS_SEARCH, {
        actorId: me.user.id,
        query: g.user.username,
      });
      expect(found.users.map((u) => u.id)).toEqual([g.user.id]);
    });

    it('register under a chosen name, which then is also the display name', async () => {
      const g = await guest();
      await expect(upgrade(g, { username: 'Chosen' })).resolves.toMatchObject({
        user: { id: g.user.id, username: 'Chosen', displayName: 'Chosen', role: 'user' },
      });
      expect(await userRow(g.user.id)).toMatchObject({
        username: 'Chosen',
        username_key: 'chosen',
        role: 'user',
      });
    });

    it.each([
      ['a taken name', { username: 'ＴＡＫＥＮ' }, AuthErrorCode.USERNAME_TAKEN],
      ['a reserved name', { username: 'moderator' }, AuthErrorCode.INVALID_USERNAME],
      ['an invalid name', { username: 'two words' }, AuthErrorCode.INVALID_USERNAME],
      ['a weak password', { password: 'password' }, AuthErrorCode.WEAK_PASSWORD],
      ['a lone surrogate', { username: 'x\uD800' }, CommonErrorCode.VALIDATION_FAILED],
    ])('are refused %s and stay guests', async (_label, input, code) => {
      await h.register('taken').catch(() => undefined);
      const g = await guest();
      const before = await userRow(g.user.id);
      await expect(failure(upgrade(g, input))).resolves.toMatchObject({ code });
      expect(await userRow(g.user.id)).toEqual(before);
    });

    it('only once, and never for a registered user', async () => {
      const g = await guest();
      await upgrade(g);
      await expect(failure(upgrade(g))).resolves.toMatchObject({ code: AuthErrorCode.FORBIDDEN });
      const user = await h.register('alreadyuser');
      await expect(failure(upgrade(user))).resolves.toMatchObject({ code: AuthErrorCode.FORBIDDEN });
    });

    it('cannot upgrade from a revoked session', async () => {
      const g = await guest();
      await h.rpc.request(Commands.AUTH_LOGOUT, { actorId: g.user.id, sessionId: sid(g.accessToken) });
      await expect(failure(upgrade(g))).resolves.toMatchObject({ code: AuthErrorCode.SESSION_REVOKED });
      expect((await userRow(g.user.id)).role).toBe('guest');
    });
  });

  describe('password change', () => {
    const change = (who: AuthResultView, currentPassword: string, newPassword: string) =>
      h.rpc.request(Commands.AUTH_PASSWORD_CHANGE, {
        actorId: who.user.id,
        sessionId: sid(who.accessToken),
        currentPassword,
        newPassword,
      });

    it('changes it and signs out every other session', async () => {
      const here = await h.register('mover');
      const others = await Promise.all([h.login('mover'), h.login('mover')]);
      await expect(change(here, PASSWORD, 'a brand new secret')).resolves.toEqual({ revoked: 2 });
      for (const o of others) {
        await eventually(() =>
          h.events.some(
            (e) => e.body.sessionId === sid(o.accessToken) && e.body.reason === 'password_changed',
          ),
        );
        await expect(
          h.rpc.request(Commands.AUTH_SESSION_CHECK, { sessionId: sid(o.accessToken) }),
        ).resolves.toMatchObject({
          active: false,
        });
      }
      await expect(
        h.rpc.request(Commands.AUTH_SESSION_CHECK, { sessionId: sid(here.accessToken) }),
      ).resolves.toMatchObject({
        active: true,
      });
      await expect(failure(h.login('mover'))).resolves.toMatchObject({
        code: AuthErrorCode.INVALID_CREDENTIALS,
      });
      await expect(h.login('mover', 'a brand new secret')).resolves.toMatchObject({
        user: { id: here.user.id },
      });
    });

    it.each([
      [
        'a wrong current password',
        'not my password',
        'a brand new secret',
        AuthErrorCode.WRONG_PASSWORD,
        'currentPassword',
      ],
      ['a weak new password', PASSWORD, '12345678', AuthErrorCode.WEAK_PASSWORD, 'newPassword'],
      ['the username as new password', PASSWORD, 'STAYER99', AuthErrorCode.WEAK_PASSWORD, 'newPassword'],
    ])('refuses %s and changes nothing', async (_label, current, next, code, field) => {
      const here = await h.register('stayer99').catch(() => h.login('stayer99'));
      const other = await h.login('stayer99');
      const before = await userRow(here.user.id);
      await expect(failure(change(here, current, next))).resolves.toMatchObject({
        code,
        details: [{ field }],
      });
      expect(await userRow(here.user.id)).toEqual(before);
      await expect(
        h.rpc.request(Commands.AUTH_SESSION_CHECK, { sessionId: sid(other.accessToken) }),
      ).resolves.toMatchObject({
        active: true,
      });
    });

    it('is not for guests, nor from a revoked session', async () => {
      const g = await guest();
      await expect(failure(change(g, '!guest', 'a brand new secret'))).resolves.toMatchObject({
        code: AuthErrorCode.FORBIDDEN,
      });
      const out = await h.register('revokedchanger');
      await h.rpc.request(Commands.AUTH_LOGOUT, { actorId: out.user.id, sessionId: sid(out.accessToken) });
      await expect(failure(change(out, PASSWORD, 'a brand new secret'))).resolves.toMatchObject({
        code: AuthErrorCode.SESSION_REVOKED,
      });
    });
  });
});

import { AuthErrorCode, AuthResultView, Commands, CommonErrorCode } from '@app/contracts';
import { ConfigValidationError, verifyAccessToken } from '@app/common';
import { startAuthService } from '../index';
import { AuthHarness, failure, PASSWORD, startAuthHarness } from '../../../../test/auth/auth-harness';
import { eventually } from '../../../../test/support/infra';

const ADMIN_PASSWORD = 'the operator knows this one';

describe('auth service: administration', () => {
  let h: AuthHarness;
  let admin: AuthResultView;
  let alice: AuthResultView;

  beforeAll(async () => {
    h = await startAuthHarness({ ADMIN_USERNAME: 'admin', ADMIN_PASSWORD });
    admin = await h.login('admin', ADMIN_PASSWORD);
    alice = await h.register('alice');
  });

  afterAll(async () => {
    await h?.close();
  });

  const sid = (token: string) => verifyAccessToken(token, h.secret).sid;
  const list = (actorId: string, extra: { query?: string; limit?: number; cursor?: string } = {}) =>
    h.rpc.request(Commands.AUTH_ADMIN_USERS_LIST, { actorId, ...extra });

  it('creates the configured admin at start, under a reserved name', async () => {
    expect(admin.user).toMatchObject({ username: 'admin', role: 'admin' });
    expect(verifyAccessToken(admin.accessToken, h.secret).role).toBe('admin');
    expect(await h.count(`SELECT 1 FROM auth.users WHERE role = 'admin'`)).toBe(1);
  });

  it('is idempotent: a restart neither duplicates the admin nor resets a changed password', async () => {
    await h.rpc.request(Commands.AUTH_PASSWORD_CHANGE, {
      actorId: admin.user.id,
      sessionId: sid(admin.accessToken),
      currentPassword: ADMIN_PASSWORD,
      newPassword: 'changed by the admin',
    });
    await h.restart();
    expect(await h.count(`SELECT 1 FROM auth.users WHERE role = 'admin'`)).toBe(1);
    await expect(failure(h.login('admin', ADMIN_PASSWORD))).resolves.toMatchObject({
      code: AuthErrorCode.INVALID_CREDENTIALS,
    });
    admin = await h.login('admin', 'changed by the admin');
  });

  it('never promotes an existing ordinary account that has the configured name', async () => {
    await h.restart({ ADMIN_USERNAME: 'alice', ADMIN_PASSWORD: 'a long enough secret' });
    expect(await h.count(`SELECT 1 FROM auth.users WHERE role = 'admin'`)).toBe(1);
    await expect(h.login('alice')).resolves.toMatchObject({ user: { role: 'user' } });
    await h.restart();
  });

  it.each([
    [
      'a weak password',
      { ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'password' },
      /ADMIN_PASSWORD: This password is too common/,
    ],
    [
      'the username as password',
      { ADMIN_USERNAME: 'rootuser', ADMIN_PASSWORD: 'RootUser' },
      /ADMIN_PASSWORD/,
    ],
    [
      'an invalid name',
      { ADMIN_USERNAME: 'bad name', ADMIN_PASSWORD: 'a long enough secret' },
      /ADMIN_USERNAME/,
    ],
    ['a name without a password', { ADMIN_USERNAME: 'root', ADMIN_PASSWORD: '' }, /must be set together/],
  ])('refuses to start with %s', async (_label, env, message) => {
    const before = await h.count('SELECT 1 FROM auth.users');
    const started = startAuthService({ ...h.env, ...env });
    await expect(started).rejects.toThrow(message);
    if (env.ADMIN_PASSWORD === '') await expect(started).rejects.toThrow(ConfigValidationError);
    expect(await h.count('SELECT 1 FROM auth.users')).toBe(before);
  });

  it('refuses non-admins, whatever their token says', async () => {
    const guest = await h.rpc.request(Commands.AUTH_GUEST_CREATE, {});
    for (const actorId of [alice.user.id, guest.user.id, '0190a000-0000-7000-8000-000000000000']) {
      const calls = [
        () => list(actorId),
        () => h.rpc.request(Commands.AUTH_ADMIN_USER_DEACTIVATE, { actorId, userId: admin.user.id }),
        () => h.rpc.request(Commands.AUTH_ADMIN_USER_REACTIVATE, { actorId, userId: alice.user.id }),
      ];
      for (const call of calls) {
        await expect(failure(call())).resolves.toEqual({
          code: AuthErrorCode.FORBIDDEN,
          message: 'Only an administrator may do this',
        });
      }
    }
    expect(await h.count('SELECT 1 FROM auth.users WHERE deactivated_at IS NOT NULL')).toBe(0);
  });

  it('lists every account in pages, filtered by prefix', async () => {
    await Promise.all(['page1', 'page2', 'page3', 'page4'].map((n) => h.register(n)));
    const first = await list(admin.user.id, { query: 'PAGE', limit: 3 });
    expect(first.users).toHaveLength(3);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list(admin.user.id, { query: 'page', limit: 3, cursor: first.nextCursor as string });
    expect(second.users).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.users, ...second.users].map((u) => u.username))).toEqual(
      new Set(['page1', 'page2', 'page3', 'page4']),
    );
    expect(second.users[0]).toEqual({
      id: expect.any(String),
      username: expect.stringMatching(/^page\d$/),
      displayName: expect.any(String),
      role: 'user',
      createdAt: expect.any(String),
      statusText: '',
      deactivatedAt: null,
    });
    const all = await list(admin.user.id, { limit: 100 });
    expect(all.users.map((u) => u.role)).toEqual(expect.arrayContaining(['admin', 'user', 'guest']));
  });

  it('refuses a cursor it did not give out', async () => {
    await expect(failure(list(admin.user.id, { cursor: 'bm90IGEgY3Vyc29y' }))).resolves.toMatchObject({
      code: CommonErrorCode.VALIDATION_FAILED,
      details: [{ field: 'cursor' }],
    });
  });

  it('deactivates an account: every session revoked, no login, not found by anyone', async () => {
    const bob = await h.register('bob');
    const phone = await h.login('bob');
    const out = await h.rpc.request(Commands.AUTH_ADMIN_USER_DEACTIVATE, {
      actorId: admin.user.id,
      userId: bob.user.id,
    });
    expect(out).toMatchObject({ id: bob.user.id, deactivatedAt: expect.any(String) });
    for (const s of [bob, phone]) {
      await eventually(() =>
        h.events.some((e) => e.body.sessionId === sid(s.accessToken) && e.body.reason === 'deactivated'),
      );
      await expect(
        h.rpc.request(Commands.AUTH_SESSION_CHECK, { sessionId: sid(s.accessToken) }),
      ).resolves.toMatchObject({
        active: false,
      });
      await expect(
        failure(h.rpc.request(Commands.AUTH_REFRESH, { refreshToken: s.refreshToken as string })),
      ).resolves.toMatchObject({
        code: AuthErrorCode.SESSION_REVOKED,
      });
    }
    await expect(failure(h.login('bob'))).resolves.toMatchObject({ code: AuthErrorCode.INVALID_CREDENTIALS });
    await expect(
      failure(h.rpc.request(Commands.AUTH_USER_GET, { userId: bob.user.id })),
    ).resolves.toMatchObject({
      code: AuthErrorCode.USER_NOT_FOUND,
    });
    // Again: nothing more to do, same answer.
    await expect(
      h.rpc.request(Commands.AUTH_ADMIN_USER_DEACTIVATE, { actorId: admin.user.id, userId: bob.user.id }),
    ).resolves.toMatchObject({ deactivatedAt: out.deactivatedAt });
  });

  it('reactivates: login works again, the old sessions stay revoked', async () => {
    const carol = await h.register('carol');
    await h.rpc.request(Commands.AUTH_ADMIN_USER_DEACTIVATE, {
      actorId: admin.user.id,
      userId: carol.user.id,
    });
    await expect(
      h.rpc.request(Commands.AUTH_ADMIN_USER_REACTIVATE, { actorId: admin.user.id, userId: carol.user.id }),
    ).resolves.toMatchObject({ id: carol.user.id, deactivatedAt: null });
    await expect(h.login('carol', PASSWORD)).resolves.toMatchObject({ user: { id: carol.user.id } });
    await expect(
      h.rpc.request(Commands.AUTH_SESSION_CHECK, { sessionId: sid(carol.accessToken) }),
    ).resolves.toMatchObject({ active: false });
  });

  it('will not deactivate itself or an unknown account', async () => {
    await expect(
      failure(
        h.rpc.request(Commands.AUTH_ADMIN_USER_DEACTIVATE, { actorId: admin.user.id, userId: admin.user.id }),
      ),
    ).resolves.toMatchObject({
      code: AuthErrorCode.FORBIDDEN,
      message: 'You cannot deactivate your own account',
    });
    for (const command of [
      Commands.AUTH_ADMIN_USER_DEACTIVATE,
      Commands.AUTH_ADMIN_USER_REACTIVATE,
    ] as const) {
      await expect(
        failure(
          h.rpc.request(command, { actorId: admin.user.id, userId: '0190a000-0000-7000-8000-000000000000' }),
        ),
      ).resolves.toMatchObject({ code: AuthErrorCode.USER_NOT_FOUND });
    }
  });
});

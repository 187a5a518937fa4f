import { createHash } from 'node:crypto';
import { AuthErrorCode, Commands, CommonErrorCode } from '@app/contracts';
import { verifyAccessToken } from '@app/common';
import { AuthHarness, failure, startAuthHarness } from '../../../../test/auth/auth-harness';
import { eventually } from '../../../../test/support/infra';

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

describe('auth service: sessions and refresh tokens', () => {
  let h: AuthHarness;

  beforeAll(async () => {
    h = await startAuthHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  const refresh = (refreshToken: string) => h.rpc.request(Commands.AUTH_REFRESH, { refreshToken });
  const sid = (accessToken: string) => verifyAccessToken(accessToken, h.secret).sid;
  const revokedEvents = (sessionId: string) =>
    h.events.filter((e) => e.body.type === 'user.session.revoked' && e.body.sessionId === sessionId);

  it('stores only the SHA-256 of a refresh token', async () => {
    const out = await h.register('hashed', { userAgent: 'phone' });
    const rows = await h.pg.query(
      'SELECT token_hash, session_id, rotated_at FROM auth.refresh_tokens WHERE session_id = $1',
      [sid(out.accessToken)],
    );
    expect(rows.rows).toEqual([
      { token_hash: sha256(out.refreshToken as string), session_id: sid(out.accessToken), rotated_at: null },
    ]);
    const leaked = await h.count(
      `SELECT 1 FROM auth.refresh_tokens WHERE position(convert_to($1, 'UTF8') in token_hash) > 0`,
      [out.refreshToken],
    );
    expect(leaked).toBe(0);
  });

  it('rotates on every use: a new pair for the same session, the old token spent', async () => {
    const first = await h.register('rotator');
    await h.pg.query(`UPDATE auth.sessions SET last_seen_at = now() - interval '1 hour' WHERE id = $1`, [
      sid(first.accessToken),
    ]);
    const second = await refresh(first.refreshToken as string);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user).toEqual(first.user);
    expect(sid(second.accessToken)).toBe(sid(first.accessToken));
    expect(Date.parse(second.expiresAt) - Date.now()).toBeLessThanOrEqual(900_000);
    const third = await refresh(second.refreshToken as string);
    expect(sid(third.accessToken)).toBe(sid(first.accessToken));
    const tokens = await h.pg.query(
      'SELECT rotated_at IS NOT NULL AS spent FROM auth.refresh_tokens WHERE session_id = $1 ORDER BY created_at',
      [sid(first.accessToken)],
    );
    expect(tokens.rows.map((r: { spent: boolean }) => r.spent)).toEqual([true, true, false]);
    const session = await h.pg.query(
      `SELECT last_seen_at > now() - interval '1 minute' AS seen, expires_at FROM auth.sessions WHERE id = $1`,
      [sid(first.accessToken)],
    );
    expect(session.rows[0].seen).toBe(true);
    expect(new Date(session.rows[0].expires_at).toISOString()).toBe(third.refreshExpiresAt);
  });

  it('treats reuse of a spent token as theft: the whole session is revoked, and said so', async () => {
    const first = await h.register('victim');
    const sessionId = sid(first.accessToken);
    const second = await refresh(first.refreshToken as string);
    await expect(failure(refresh(first.refreshToken as string))).resolves.toEqual({
      code: AuthErrorCode.REFRESH_REUSED,
      message: 'This refresh token was already used; the session is revoked for safety. Log in again.',
    });
    // The thief's newest token is dead too.
    await expect(failure(refresh(second.refreshToken as string))).resolves.toMatchObject({
      code: AuthErrorCode.SESSION_REVOKED,
    });
    const row = await h.pg.query('SELECT revoked_at, revoked_reason FROM auth.sessions WHERE id = $1', [
      sessionId,
    ]);
    expect(row.rows[0].revoked_reason).toBe('refresh_reused');
    await eventually(() => revokedEvents(sessionId).length === 2);
    const events = revokedEvents(sessionId);
    expect(events.map((e) => e.routingKey).sort()).toEqual(
      [`user.${first.user.id}`, 'sessions.revoked'].sort(),
    );
    const tokensExpireAt = Date.parse(events[0].body.tokensExpireAt as string);
    expect(tokensExpireAt - new Date(row.rows[0].revoked_at).getTime()).toBe(900_000);
    expect(events[0].body).toMatchObject({
      v: 1,
      userId: first.user.id,
      sessionId,
      reason: 'refresh_reused',
    });
  });

  it('lets exactly one of two racing refreshes with the same token win, and revokes the session', async () => {
    const first = await h.register('racer2');
    const results = await Promise.allSettled([
      refresh(first.refreshToken as string),
      refresh(first.refreshToken as string),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost?.reason).toMatchObject({ code: AuthErrorCode.REFRESH_REUSED });
    expect(
      await h.count('SELECT 1 FROM auth.sessions WHERE id = $1 AND revoked_at IS NOT NULL', [
        sid(first.accessToken),
      ]),
    ).toBe(1);
  });

  it.each([
    ['unknown', 'A'.repeat(43)],
    ['malformed', 'not a token'],
    ['an access token', 'eyJhbGciOiJIUzI1NiJ9.e30.x'],
  ])('refuses an %s refresh token', async (_label, token) => {
    await expect(failure(refresh(token))).resolves.toEqual({
      code: AuthErrorCode.REFRESH_INVALID,
      message: 'Refresh token is not valid',
    });
  });

  it('refuses a wrong type as validation, before any lookup', async () => {
    await expect(
      failure(h.rpc.request(Commands.AUTH_REFRESH, { refreshToken: 42 as unknown as string })),
    ).resolves.toMatchObject({
      code: CommonErrorCode.VALIDATION_FAILED,
      details: expect.arrayContaining([{ field: 'refreshToken', reason: 'refreshToken must be a string' }]),
    });
  });

  it('refuses an expired refresh token', async () => {
    const out = await h.register('sleeper');
    await h.pg.query(
      `UPDATE auth.refresh_tokens SET expires_at = now() - interval '1 second' WHERE session_id = $1`,
      [sid(out.accessToken)],
    );
    await expect(failure(refresh(out.refreshToken as string))).resolves.toEqual({
      code: AuthErrorCode.REFRESH_INVALID,
      message: 'Refresh token expired; log in again',
    });
  });

  it('lists active sessions, marking the current one', async () => {
    const a = await h.register('lister', { userAgent: 'laptop' });
    const b = await h.login('lister', undefined, { userAgent: 'phone' });
    const c = await h.login('lister', undefined, { userAgent: 'tablet' });
    await h.rpc.request(Commands.AUTH_LOGOUT, { actorId: a.user.id, sessionId: sid(c.accessToken) });
    const { sessions } = await h.rpc.request(Commands.AUTH_SESSIONS_LIST, {
      actorId: a.user.id,
      sessionId: sid(b.accessToken),
    });
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.current)).toMatchObject({ id: sid(b.accessToken), userAgent: 'phone' });
    expect(sessions.find((s) => !s.current)).toEqual({
      id: sid(a.accessToken),
      userAgent: 'laptop',
      createdAt: expect.any(String),
      lastSeenAt: expect.any(String),
      current: false,
    });
  });

  it("revokes one session of mine, but not someone else's", async () => {
    const mine = await h.register('owner1');
    const other = await h.login('owner1');
    const stranger = await h.register('stranger1');
    await expect(
      h.rpc.request(Commands.AUTH_SESSION_REVOKE, {
        actorId: mine.user.id,
        sessionId: sid(mine.accessToken),
        targetSessionId: sid(other.accessToken),
      }),
    ).resolves.toEqual({ revoked: 1 });
    await eventually(() => revokedEvents(sid(other.accessToken)).length === 2);
    expect(revokedEvents(sid(other.accessToken))[0].body.reason).toBe('revoked');
    for (const target of [sid(stranger.accessToken), sid(other.accessToken)]) {
      await expect(
        failure(
          h.rpc.request(Commands.AUTH_SESSION_REVOKE, {
            actorId: mine.user.id,
            sessionId: sid(mine.accessToken),
            targetSessionId: target,
          }),
        ),
      ).resolves.toMatchObject({ code: AuthErrorCode.SESSION_NOT_FOUND });
    }
    expect(
      await h.count('SELECT 1 FROM auth.sessions WHERE id = $1 AND revoked_at IS NULL', [
        sid(stranger.accessToken),
      ]),
    ).toBe(1);
  });

  it('revokes every other session, keeping this one', async () => {
    const a = await h.register('many');
    const others = await Promise.all([h.login('many'), h.login('many'), h.login('many')]);
    await expect(
      h.rpc.request(Commands.AUTH_SESSIONS_REVOKE_OTHERS, {
        actorId: a.user.id,
        sessionId: sid(a.accessToken),
      }),
    ).resolves.toEqual({ revoked: 3 });
    expect(
      await h.count('SELECT 1 FROM auth.sessions WHERE user_id = $1 AND revoked_at IS NULL', [a.user.id]),
    ).toBe(1);
    for (const o of others) {
      await eventually(() => revokedEvents(sid(o.accessToken)).length === 2);
      await expect(failure(refresh(o.refreshToken as string))).resolves.toMatchObject({
        code: AuthErrorCode.SESSION_REVOKED,
      });
    }
    await expect(refresh(a.refreshToken as string)).resolves.toMatchObject({ user: { id: a.user.id } });
  });

  it('logs out (idempotently), after which the session checks inactive', async () => {
    const out = await h.register('leaver');
    const input = { actorId: out.user.id, sessionId: sid(out.accessToken) };
    await expect(h.rpc.request(Commands.AUTH_SESSION_CHECK, { sessionId: input.sessionId })).resolves.toEqual(
      {
        active: true,
        userId: out.user.id,
        tokensExpireAt: out.refreshExpiresAt,
      },
    );
    await expect(h.rpc.request(Commands.AUTH_LOGOUT, input)).resolves.toEqual({ revoked: 1 });
    await expect(h.rpc.request(Commands.AUTH_LOGOUT, input)).resolves.toEqual({ revoked: 0 });
    const check = await h.rpc.request(Commands.AUTH_SESSION_CHECK, { sessionId: input.sessionId });
    expect(check).toMatchObject({ active: false, userId: out.user.id });
    expect(Date.parse(check.tokensExpireAt) - Date.now()).toBeGreaterThan(890_000);
    await eventually(() => revokedEvents(input.sessionId).length === 2);
    expect(revokedEvents(input.sessionId)[0].body.reason).toBe('logout');
  });

  it('checks an unknown session and a deactivated user as inactive, and records when a session was seen', async () => {
    await expect(
      h.rpc.request(Commands.AUTH_SESSION_CHECK, { sessionId: '0190a000-0000-7000-8000-000000000000' }),
    ).resolves.toMatchObject({ active: false });
    const out = await h.register('seen');
    const sessionId = sid(out.accessToken);
    await h.pg.query(`UPDATE auth.sessions SET last_seen_at = now() - interval '10 minutes' WHERE id = $1`, [
      sessionId,
    ]);
    await h.rpc.request(Commands.AUTH_SESSION_CHECK, { sessionId });
    expect(
      await h.count(
        `SELECT 1 FROM auth.sessions WHERE id = $1 AND last_seen_at > now() - interval '1 minute'`,
        [sessionId],
      ),
    ).toBe(1);
    await h.pg.query('UPDATE auth.users SET deactivated_at = now() WHERE id = $1', [out.user.id]);
    await expect(h.rpc.request(Commands.AUTH_SESSION_CHECK, { sessionId })).resolves.toMatchObject({
      active: false,
    });
    await expect(failure(refresh(out.refreshToken as string))).resolves.toMatchObject({
      code: AuthErrorCode.SESSION_REVOKED,
    });
  });

  it('counts refreshes by result', async () => {
    const metrics = await (await fetch(`${await h.app.getUrl()}/metrics`)).text();
    expect(metrics).toMatch(/^happychat_auth_refreshes_total\{result="reused"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^happychat_auth_refreshes_total\{result="rotated"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^happychat_auth_sessions_revoked_total\{reason="refresh_reused"\} [1-9]\d*$/m);
  });
});

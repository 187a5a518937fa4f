import { INestApplication } from '@nestjs/common';
import { startGatewayService } from '../../apps/gateway/src';
import { RevocationService, RevokedSessionNotice } from '../../apps/gateway/src/auth/revocation.service';
import { api } from '../support/http';
import { eventually } from '../support/infra';
import { RunningSystem, startSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';
import { forgedTokens } from './tokens';

interface Pair {
  user: { id: string; username: string };
  accessToken: string;
  expiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
}

const PASSWORD = 'correct horse battery staple';
const sidOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string }).sid;

/**
 * Sessions through the real gateway: refresh rotation and reuse, per-device sessions, logout,
 * and how fast a revoked session stops working — on this gateway, on one that holds no socket of
 * the user, and on one that started after the revocation.
 */
describe('sessions through the gateway', () => {
  let sys: RunningSystem;
  const extraGateways: INestApplication[] = [];

  beforeAll(async () => {
    sys = await startSystem({
      TRUST_PROXY: '1',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_IP: '5',
      LOGIN_FAILURE_WINDOW_SECONDS: '600',
      // Long enough that only the revocation broadcast can explain a refusal within seconds.
      SESSION_CHECK_TTL_MS: '60000',
    });
  }, 90_000);

  afterAll(async () => {
    for (const gw of extraGateways) await gw.close().catch(() => undefined);
    await sys?.stop();
  });

  const register = async (username: string, userAgent = 'jest'): Promise<Pair> => {
    const res = await api<Pair>(sys.baseUrl, 'POST', '/api/v1/auth/register', {
      body: { username, password: PASSWORD },
      headers: { 'user-agent': userAgent },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const login = async (username: string, userAgent = 'jest', ip?: string): Promise<Pair> => {
    const res = await api<Pair>(sys.baseUrl, 'POST', '/api/v1/auth/login', {
      body: { username, password: PASSWORD },
      headers: { 'user-agent': userAgent, ...(ip ? { 'x-forwarded-for': ip } : {}) },
    });
    expect(res.status).toBe(200);
    return res.body;
  };
  const me = (token: string, base = sys.baseUrl) => api(base, 'GET', '/api/v1/me', { token });
  const refresh = (refreshToken: string) =>
    api<Pair & { code?: string }>(sys.baseUrl, 'POST', '/api/v1/auth/refresh', { body: { refreshToken } });
  const extraGateway = async (env: NodeJS.ProcessEnv = {}): Promise<string> => {
    const gw = await startGatewayService({ ...sys.env, ...env });
    extraGateways.push(gw);
    return (await gw.getUrl()).replace('[::1]', '127.0.0.1');
  };

  it('answers login and registration with a short access token and a refresh token, old fields kept', async () => {
    const out = await register('pairy');
    expect(out).toEqual({
      user: expect.objectContaining({ username: 'pairy', role: 'user' }),
      accessToken: expect.any(String),
      expiresAt: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refreshExpiresAt: expect.any(String),
    });
    expect(Date.parse(out.expiresAt) - Date.now()).toBeLessThanOrEqual(900_000);
  });

  it('rotates refresh tokens, and a reused one kills the session: 401 auth.refresh_reused, then the token is refused', async () => {
    const first = await register('rotating');
    const ws = await TestSocket.connect(sys.wsUrl, first.accessToken);
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(sidOf(second.body.accessToken)).toBe(sidOf(first.accessToken));
    expect((await me(second.body.accessToken)).status).toBe(200);

    const reused = await refresh(first.refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body).toMatchObject({ code: 'auth.refresh_reused' });
    const refused = await me(second.body.accessToken);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({
      code: 'auth.session_revoked',
      message: 'This session was revoked; log in again',
    });
    expect((await refresh(second.body.refreshToken)).body).toMatchObject({ code: 'auth.session_revoked' });
    // The revoked device is told: closed with 4001 ("log in again"), and the user.session.revoked
    // event may reach it first through its inbox.
    await eventually(
      () =>
        ws.closed?.code === 4001 ||
        ws.frames.some(
          (f) =>
            f.type === 'user.session.revoked' &&
            f.sessionId === sidOf(first.accessToken) &&
            f.reason === 'refresh_reused',
        ),
      5000,
    );
    await ws.close();
  });

  it('lists devices, signs one out, signs out all others, and logs out', async () => {
    const laptop = await register('devices', 'Laptop/1.0');
    const phone = await login('devices', 'Phone/2.0');
    const tablet = await login('devices', 'Tablet/3.0');
    const list = await api<{ sessions: Array<{ id: string; userAgent: string; current: boolean }> }>(
      sys.baseUrl,
      'GET',
      '/api/v1/me/sessions',
      { token: phone.accessToken },
    );
    expect(list.status).toBe(200);
    expect(list.body.sessions.map((s) => [s.userAgent, s.current]).sort()).toEqual([
      ['Laptop/1.0', false],
      ['Phone/2.0', true],
      ['Tablet/3.0', false],
    ]);

    const del = await api(sys.baseUrl, 'DELETE', `/api/v1/me/sessions/${sidOf(tablet.accessToken)}`, {
      token: phone.accessToken,
    });
    expect(del.status).toBe(204);
    expect((await me(tablet.accessToken)).body).toMatchObject({ code: 'auth.session_revoked' });
    const again = await api(sys.baseUrl, 'DELETE', `/api/v1/me/sessions/${sidOf(tablet.accessToken)}`, {
      token: phone.accessToken,
    });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ code: 'auth.session_not_found' });
    const badId = await api(sys.baseUrl, 'DELETE', '/api/v1/me/sessions/not-a-uuid', {
      token: phone.accessToken,
    });
    expect(badId.status).toBe(400);

    const others = await api(sys.baseUrl, 'POST', '/api/v1/me/sessions/revoke-others', {
      token: phone.accessToken,
    });
    expect(others).toMatchObject({ status: 200, body: { revoked: 1 } });
    expect((await me(laptop.accessToken)).status).toBe(401);
    expect((await me(phone.accessToken)).status).toBe(200);

    const out = await api(sys.baseUrl, 'POST', '/api/v1/auth/logout', { token: phone.accessToken });
    expect(out).toMatchObject({ status: 200, body: { revoked: 1 } });
    expect((await me(phone.accessToken)).body).toMatchObject({ code: 'auth.session_revoked' });
    expect((await api(sys.baseUrl, 'POST', '/api/v1/auth/logout', { token: phone.accessToken })).status).toBe(
      401,
    );
  });

  it('tells the revocation hook once per revoked session, and refuses on a gateway holding no socket of the user', async () => {
    const otherGateway = await extraGateway();
    const revocation = sys.apps.gateway.get(RevocationService);
    const heard: RevokedSessionNotice[] = [];
    const stop = revocation.onRevoked((n) => heard.push(n));
    try {
      const a = await register('hooked');
      const b = await login('hooked');
      // The other gateway has checked b once and may trust it for SESSION_CHECK_TTL_MS (a minute).
      expect((await me(b.accessToken, otherGateway)).status).toBe(200);
      expect(revocation.isRevoked(sidOf(b.accessToken))).toBe(false);
      const del = await api(sys.baseUrl, 'DELETE', `/api/v1/me/sessions/${sidOf(b.accessToken)}`, {
        token: a.accessToken,
      });
      expect(del.status).toBe(204);
      await eventually(() => heard.some((n) => n.sessionId === sidOf(b.accessToken)), 3000);
      expect(heard.filter((n) => n.sessionId === sidOf(b.accessToken))).toEqual([
        { userId: a.user.id, sessionId: sidOf(b.accessToken) },
      ]);
      expect(revocation.isRevoked(sidOf(b.accessToken))).toBe(true);
      // Only the broadcast can have told the other gateway this fast.
      await eventually(async () => (await me(b.accessToken, otherGateway)).status === 401, 3000);
      expect((await me(a.accessToken, otherGateway)).status).toBe(200);
    } finally {
      stop();
    }
  });

  it('refuses a session revoked before this gateway started, by asking the auth service', async () => {
    const a = await register('early');
    await api(sys.baseUrl, 'POST', '/api/v1/auth/logout', { token: a.accessToken });
    const fresh = await extraGateway();
    const res = await me(a.accessToken, fresh);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'auth.session_revoked' });
  });

  it.each(['algNone', 'wrongKey', 'expired', 'notAccess', 'garbage'] as const)(
    'refuses a forged or stale token (%s)',
    async (kind) => {
      const real = await login('pairy');
      const token = forgedTokens(sys.env.JWT_SECRET as string, {
        sub: real.user.id,
        sid: sidOf(real.accessToken),
      })[kind];
      const res = await me(token);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        code: kind === 'expired' ? 'auth.token_expired' : 'auth.token_invalid',
      });
    },
  );

  it('refuses a missing or malformed Authorization header', async () => {
    expect((await api(sys.baseUrl, 'GET', '/api/v1/me/sessions')).body).toMatchObject({
      code: 'auth.token_missing',
    });
    const basic = await api(sys.baseUrl, 'GET', '/api/v1/me', { headers: { authorization: 'Basic YTpi' } });
    expect(basic).toMatchObject({ status: 401, body: { code: 'auth.token_invalid' } });
  });

  it.each([
    ['an unknown refresh token', { refreshToken: 'B'.repeat(43) }, 401, 'auth.refresh_invalid'],
    ['a number', { refreshToken: 12 }, 400, 'common.validation_failed'],
    ['an oversized token', { refreshToken: 'C'.repeat(5000) }, 400, 'common.validation_failed'],
    ['an extra field', { refreshToken: 'D'.repeat(43), sessionId: 'x' }, 400, 'common.validation_failed'],
  ])('refuses a refresh with %s', async (_label, body, status, code) => {
    const res = await api(sys.baseUrl, 'POST', '/api/v1/auth/refresh', { body });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code });
  });

  describe('login throttling', () => {
    const wrong = (username: string, headers: Record<string, string> = {}, base = sys.baseUrl) =>
      api(base, 'POST', '/api/v1/auth/login', {
        body: { username, password: 'wrong horse battery' },
        headers,
      });

    it('answers 429 with Retry-After once an account has had its failures, for unknown accounts too', async () => {
      await register('throttled');
      for (const username of ['throttled', 'no-such-person']) {
        for (let i = 0; i < 3; i++) {
          const res = await wrong(username, { 'x-forwarded-for': `198.51.100.${i + 1}` });
          expect(res).toMatchObject({ status: 401, body: { code: 'auth.invalid_credentials' } });
        }
        const limited = await api(sys.baseUrl, 'POST', '/api/v1/auth/login', {
          body: { username, password: PASSWORD },
          headers: { 'x-forwarded-for': '198.51.100.99' },
        });
        expect(limited.status).toBe(429);
        expect(limited.body).toMatchObject({ code: 'common.rate_limited' });
        const retryAfter = Number(limited.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(500);
        expect(retryAfter).toBeLessThanOrEqual(600);
      }
    });

    it('counts per client address from X-Forwarded-For behind a trusted proxy', async () => {
      const ip = { 'x-forwarded-for': '203.0.113.77' };
      for (let i = 0; i < 5; i++) expect((await wrong(`ghost-${i}`, ip)).status).toBe(401);
      expect((await wrong('ghost-5', ip)).status).toBe(429);
      // A proxy appends the address it saw: the spoofed first entry does not matter.
      expect((await wrong('ghost-6', { 'x-forwarded-for': `203.0.113.77, 203.0.113.78` })).status).toBe(401);
      expect((await wrong('ghost-7', { 'x-forwarded-for': '203.0.113.79' })).status).toBe(401);
    });

    it('ignores X-Forwarded-For when no proxy is trusted', async () => {
      const direct = await extraGateway({ TRUST_PROXY: '0' });
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) {
        codes.push((await wrong(`nobody-${i}`, { 'x-forwarded-for': `192.0.2.${i + 1}` }, direct)).status);
      }
      // All from 127.0.0.1, whatever the header claimed (earlier tests spent none of its budget).
      expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429]);
    });
  });
});

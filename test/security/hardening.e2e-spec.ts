import { api, registerUser, TestUser } from '../support/http';
import { RunningSystem, startSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';

const ALLOWED_ORIGIN = 'https://chat.example.org';
const FOREIGN_ORIGIN = 'https://evil.example.com';
const STACK = /\bat \S+ \(|node_modules|\.ts:\d+|\.js:\d+|Error: /;

/** The gateway's outer shell: headers, origins, error bodies and size limits. */
describe('hardening: headers, CORS and Origin allow-list, error bodies, size limits', () => {
  let sys: RunningSystem;
  let user: TestUser;

  beforeAll(async () => {
    sys = await startSystem({ CORS_ORIGINS: ALLOWED_ORIGIN });
    user = await registerUser(sys.baseUrl, `hard${Date.now().toString(36)}`);
  }, 60_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it.each(['/api/v1/me', '/api/v1/nowhere', '/health/ready', '/'])(
    'sends security headers on %s',
    async (path) => {
      const res = await fetch(`${sys.baseUrl}${path}`, {
        headers: { authorization: `Bearer ${user.token}` },
      });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-powered-by')).toBeNull();
    },
  );

  it('answers CORS only for the configured origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${sys.baseUrl}/api/v1/me`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    const foreign = await preflight(FOREIGN_ORIGIN);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const simple = await fetch(`${sys.baseUrl}/api/v1/me`, {
      headers: { origin: FOREIGN_ORIGIN, authorization: `Bearer ${user.token}` },
    });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a WebSocket from a foreign Origin with 403, and takes the allowed one', async () => {
    const { WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } = await import('@app/contracts');
    const WebSocket = (await import('ws')).default;
    const open = (origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(sys.wsUrl, [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${user.token}`], {
          origin,
        });
        ws.once('unexpected-response', (_req, res) => (resolve(res.statusCode ?? 0), ws.terminate()));
        ws.once('open', () => (resolve(101), ws.close()));
        ws.once('error', () => resolve(-1));
      });
    expect(await open(FOREIGN_ORIGIN)).toBe(403);
    expect(await open(ALLOWED_ORIGIN)).toBe(101);
    // Without Origin (not a browser) the token alone decides.
    const ws = await TestSocket.connect(sys.wsUrl, user.token);
    await ws.close();
  });

  it('answers bodies over the limit with 413 and a code, and leaks no stack trace in any error', async () => {
    const big = await api<{ code: string }>(sys.baseUrl, 'POST', '/api/v1/rooms', {
      token: user.token,
      rawBody: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 1) }),
    });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('common.payload_too_large');
    const errors = await Promise.all([
      api(sys.baseUrl, 'POST', '/api/v1/rooms', { token: user.token, rawBody: '{"name":' }),
      api(sys.baseUrl, 'POST', '/api/v1/rooms', {
        token: user.token,
        rawBody: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
      }),
      api(sys.baseUrl, 'GET', '/api/v1/rooms/not-a-uuid', { token: user.token }),
      api(sys.baseUrl, 'GET', '/api/v1/nowhere', { token: user.token }),
      api(sys.baseUrl, 'GET', '/api/v1/me', { token: 'x.y.z' }),
      api(sys.baseUrl, 'PUT', '/api/v1/me/avatar', { token: user.token, rawBody: 'not an image' }),
    ]);
    for (const res of [big, ...errors]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.body)).not.toMatch(STACK);
      expect(typeof (res.body as { code?: unknown }).code).toBe('string');
    }
  });

  it('refuses an avatar that is not the image it claims to be', async () => {
    const res = await fetch(`${sys.baseUrl}/api/v1/me/avatar`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'image/png' },
      body: Buffer.from('<svg onload="alert(1)"></svg>'),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(await res.json())).not.toMatch(STACK);
  });
});

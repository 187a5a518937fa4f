import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AuthErrorCode, CommandInput, Commands, CommonErrorCode, ErrorPayload } from '@app/contracts';
import { ConfigValidationError, loadConfig, verifyAccessToken } from '@app/common';
import type { RpcClient } from '@app/messaging';
import { createTestDatabase, createTestVhost, Isolated } from '../../../../test/support/infra';
import { connectRpc } from '../../../../test/support/rpc';
import { AuthConfig } from '../auth.config';
import { startAuthService } from '../index';

const HAN_NFC = '\uD55C결';
const HAN_NFD = '\u1112\u1161\u11AB결';
type RegisterInput = CommandInput<typeof Commands.AUTH_REGISTER>;

describe('auth service: accounts', () => {
  const secret = randomBytes(32).toString('hex');
  let db: Isolated;
  let vhost: Isolated;
  let env: NodeJS.ProcessEnv;
  let app: INestApplication;
  let client: Awaited<ReturnType<typeof connectRpc>>;
  let rpc: RpcClient;
  let pg: Client;

  beforeAll(async () => {
    [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
    env = {
      DATABASE_URL: db.url,
      AMQP_URL: vhost.url,
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      JWT_SECRET: secret,
      // Cheap hashing keeps the suite fast; the last test runs the default cost.
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_ITERATIONS: '1',
    };
    app = await startAuthService(env);
    client = await connectRpc(vhost.url);
    rpc = client.rpc;
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
    await pg?.end();
    await Promise.all([db?.drop(), vhost?.drop()]);
  });

  const register = (input: RegisterInput) => rpc.request(Commands.AUTH_REGISTER, input);
  const login = (username: string, password: string, userAgent?: string) =>
    rpc.request(Commands.AUTH_LOGIN, { username, password, userAgent });
  const failure = (call: Promise<unknown>): Promise<ErrorPayload> =>
    call.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (err: ErrorPayload) => ({ code: err.code, message: err.message, details: err.details }),
    );
  const countUsers = async (): Promise<number> =>
    Number((await pg.query('SELECT count(*) AS n FROM auth.users')).rows[0].n);

  it('registers: the token verifies and names the user and their new session', async () => {
    const out = await register({
      username: ' 김민수 ',
      password: 'correct horse battery',
      displayName: '민수 🐻',
      userAgent: 'jest/1',
    });
    expect(out.user).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
      username: '김민수',
      displayName: '민수 🐻',
      role: 'user',
      createdAt: expect.any(String),
    });
    const claims = verifyAccessToken(out.accessToken, secret);
    expect(claims).toMatchObject({ sub: out.user.id, username: '김민수', name: '민수 🐻', role: 'user' });
    // Short-lived access token (15 min by default), renewed with the refresh token (30 days).
    expect(Date.parse(out.expiresAt) - Date.now()).toBeGreaterThan(890_000);
    expect(Date.parse(out.expiresAt) - Date.now()).toBeLessThanOrEqual(900_000);
    expect(out.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(out.refreshExpiresAt as string) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const sessions = await pg.query(
      'SELECT id, user_id, user_agent, revoked_at FROM auth.sessions WHERE id = $1',
      [claims.sid],
    );
    expect(sessions.rows).toEqual([
      { id: claims.sid, user_id: out.user.id, user_agent: 'jest/1', revoked_at: null },
    ]);
    const stored = await pg.query('SELECT username_key, password_hash FROM auth.users WHERE id = $1', [
      out.user.id,
    ]);
    expect(stored.rows[0].username_key).toBe('김민수');
    expect(stored.rows[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  it('defaults the display name to the username', async () => {
    const out = await register({ username: '행복한_채팅', password: 'correct horse battery' });
    expect(out.user.displayName).toBe('행복한_채팅');
    expect(verifyAccessToken(out.accessToken, secret).name).toBe('행복한_채팅');
  });

  it('refuses a username taken in another case or Unicode form', async () => {
    await register({ username: 'Alice', password: 'correct horse battery' });
    await register({ username: HAN_NFC, password: 'correct horse battery' });
    for (const username of ['alice', 'ALICE', HAN_NFD]) {
      await expect(failure(register({ username, password: 'another good one' }))).resolves.toMatchObject({
        code: AuthErrorCode.USERNAME_TAKEN,
        details: [{ field: 'username' }],
      });
    }
  });

  it('folds fullwidth look-alikes into one name, accepts combining marks, reserves staff names', async () => {
    const alice = await register({ username: 'alice_nfkc', password: 'correct horse battery' });
    await expect(
      failure(register({ username: 'ＡＬＩＣＥ_ｎｆｋｃ', password: 'correct horse battery' })),
    ).resolves.toMatchObject({ code: AuthErrorCode.USERNAME_TAKEN });
    await expect(login('Ａｌｉｃｅ_ｎｆｋｃ', 'correct horse battery')).resolves.toMatchObject({
      user: { id: alice.user.id },
    });
    for (const username of ['अमित', 'กิ่งแก้ว']) {
      await expect(register({ username, password: 'correct horse battery' })).resolves.toMatchObject({
        user: { username },
      });
    }
    const before = await countUsers();
    for (const username of ['admin', 'ＳＹＳＴＥＭ', 'HappyChat', 'moderator']) {
      await expect(failure(register({ username, password: 'correct horse battery' }))).resolves.toEqual({
        code: AuthErrorCode.INVALID_USERNAME,
        message: 'This username is reserved',
        details: [{ field: 'username', reason: 'This username is reserved' }],
      });
    }
    expect(await countUsers()).toBe(before);
  });

  it.each([
    ['too short', 'abc', 'Password must be at least 8 characters long'],
    ['common', 'iloveyou', 'This password is too common and easy to guess; choose another one'],
    ['the username', 'WeakFred', 'Password must not be the same as your username'],
    ['one character', 'xxxxxxxxxx', 'Password must not be a single character repeated'],
  ])('refuses a weak password (%s)', async (_label, password, reason) => {
    const before = await countUsers();
    await expect(failure(register({ username: 'weakfred', password }))).resolves.toEqual({
      code: AuthErrorCode.WEAK_PASSWORD,
      message: reason,
      details: [{ field: 'password', reason }],
    });
    expect(await countUsers()).toBe(before);
  });

  it.each(['happy😀', '.dot', 'dash-', 'a', 'alice kim', 'x'.repeat(33)])(
    'refuses the invalid username %j',
    async (username) => {
      await expect(failure(register({ username, password: 'correct horse battery' }))).resolves.toMatchObject(
        {
          code: AuthErrorCode.INVALID_USERNAME,
          details: [{ field: 'username', reason: expect.any(String) }],
        },
      );
    },
  );

  it('refuses a display name with control characters', async () => {
    await expect(
      failure(
        register({ username: 'bellringer', password: 'correct horse battery', displayName: 'ding\u0007' }),
      ),
    ).resolves.toMatchObject({
      code: CommonErrorCode.VALIDATION_FAILED,
      details: [{ field: 'displayName' }],
    });
  });

  it('logs in, case-insensitively and in any Unicode form, with a new session each time', async () => {
    const registered = await register({ username: 'Bora', password: '보라색 비밀번호' });
    const a = await login('bora', '보라색 비밀번호', 'phone');
    const b = await login(' BORA ', '보라색 비밀번호'.normalize('NFD'), 'laptop');
    expect(a.user).toEqual(registered.user);
    const [ca, cb] = [verifyAccessToken(a.accessToken, secret), verifyAccessToken(b.accessToken, secret)];
    expect(ca.sub).toBe(registered.user.id);
    expect(new Set([verifyAccessToken(registered.accessToken, secret).sid, ca.sid, cb.sid]).size).toBe(3);
    const agents = await pg.query('SELECT user_agent FROM auth.sessions WHERE user_id = $1 ORDER BY id', [
      registered.user.id,
    ]);
    expect(agents.rows.map((r: { user_agent: string | null }) => r.user_agent)).toEqual([
      null,
      'phone',
      'laptop',
    ]);
  });

  it('answers a wrong password, an unknown user and a deactivated account identically', async () => {
    await register({ username: 'carol', password: 'correct horse battery' });
    const gone = await register({ username: 'dave', password: 'correct horse battery' });
    await pg.query('UPDATE auth.users SET deactivated_at = now() WHERE id = $1', [gone.user.id]);
    const expected = {
      code: AuthErrorCode.INVALID_CREDENTIALS,
      message: 'Wrong username or password',
      details: undefined,
    };
    await expect(failure(login('carol', 'wrong horse battery'))).resolves.toEqual(expected);
    await expect(failure(login('nobody-here', 'correct horse battery'))).resolves.toEqual(expected);
    await expect(failure(login('dave', 'correct horse battery'))).resolves.toEqual(expected);
    await expect(failure(login('😀', 'correct horse battery'))).resolves.toEqual(expected);
  });

  it.each([
    ['a missing password', { username: 'eve' }, 'password'],
    ['an extra field', { username: 'eve', password: 'correct horse battery', role: 'admin' }, 'role'],
    ['a wrong type', { username: 12345, password: 'correct horse battery' }, 'username'],
  ])('refuses %s with details and stores nothing', async (_label, payload, field) => {
    const before = await countUsers();
    const err = await failure(register(payload as unknown as RegisterInput));
    expect(err.code).toBe(CommonErrorCode.VALIDATION_FAILED);
    expect(err.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field, reason: expect.any(String) })]),
    );
    expect(await countUsers()).toBe(before);
    const users = await pg.query(`SELECT 1 FROM auth.users WHERE username_key = 'eve'`);
    expect(users.rowCount).toBe(0);
  });

  it('lets exactly one of two concurrent registrations of a name win', async () => {
    const results = await Promise.allSettled([
      register({ username: 'Racer', password: 'correct horse battery' }),
      register({ username: 'racer', password: 'another horse battery' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost?.reason).toMatchObject({ code: AuthErrorCode.USERNAME_TAKEN });
    const rows = await pg.query(`SELECT count(*) AS n FROM auth.users WHERE username_key = 'racer'`);
    expect(Number(rows.rows[0].n)).toBe(1);
  });

  it('is ready and exports its counters', async () => {
    const base = await app.getUrl();
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toEqual({ status: 'ok', checks: { database: 'up', broker: 'up' } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^happychat_auth_logins_total\{result="success"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^happychat_auth_logins_total\{result="failure"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^happychat_auth_registrations_total [1-9]\d*$/m);
  });

  it('refuses to start without a JWT_SECRET', async () => {
    const { JWT_SECRET: _omitted, ...withoutSecret } = env;
    expect(() => loadConfig(AuthConfig, withoutSecret)).toThrow(ConfigValidationError);
    expect(() => loadConfig(AuthConfig, { ...withoutSecret, JWT_SECRET: '' })).toThrow(ConfigValidationError);
    await expect(startAuthService(withoutSecret)).rejects.toThrow(ConfigValidationError);
  });

  it('at the default argon2 cost, upgrades an old cheap hash on login', async () => {
    await register({ username: 'upgrader', password: 'correct horse battery' });
    const hashOf = async () =>
      (await pg.query(`SELECT password_hash FROM auth.users WHERE username_key = 'upgrader'`)).rows[0]
        .password_hash as string;
    expect(await hashOf()).toMatch(/\$m=1024,t=1,p=1\$/);
    // Replace the cheap instance with one at the defaults, on the same database and queue.
    await app.close();
    const { ARGON2_MEMORY_KIB: _m, ARGON2_ITERATIONS: _t, ...defaults } = env;
    app = await startAuthService(defaults);
    const out = await login('upgrader', 'correct horse battery');
    expect(verifyAccessToken(out.accessToken, secret).username).toBe('upgrader');
    expect(await hashOf()).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(login('upgrader', 'correct horse battery')).resolves.toMatchObject({
      user: { username: 'upgrader' },
    });
    await expect(failure(login('upgrader', 'wrong horse battery'))).resolves.toMatchObject({
      code: AuthErrorCode.INVALID_CREDENTIALS,
    });
  });
});

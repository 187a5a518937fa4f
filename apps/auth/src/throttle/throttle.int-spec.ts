import { INestApplication } from '@nestjs/common';
import { AuthErrorCode, Commands, CommonErrorCode, ErrorPayload, readRetryAfter } from '@app/contracts';
import { startAuthService } from '../index';
import { AuthHarness, failure, PASSWORD, startAuthHarness } from '../../../../test/auth/auth-harness';

const ACCOUNT_LIMIT = 3;
const IP_LIMIT = 6;
const WINDOW = 30;

describe('auth service: login throttling', () => {
  let h: AuthHarness;

  beforeAll(async () => {
    h = await startAuthHarness({
      LOGIN_MAX_FAILURES_PER_ACCOUNT: String(ACCOUNT_LIMIT),
      LOGIN_MAX_FAILURES_PER_IP: String(IP_LIMIT),
      LOGIN_FAILURE_WINDOW_SECONDS: String(WINDOW),
      GUESTS_PER_IP: '2',
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  const attempt = (username: string, password: string, clientIp?: string): Promise<ErrorPayload | 'ok'> =>
    h.login(username, password, { clientIp }).then(
      () => 'ok' as const,
      (err: ErrorPayload) => err,
    );
  const codeOf = (r: ErrorPayload | 'ok') => (r === 'ok' ? 'ok' : r.code);
  const failuresOf = (scope: string, key: string) =>
    h.count('SELECT 1 FROM auth.throttle_events WHERE scope = $1 AND key = $2', [scope, key]);

  it('locks an account after its limit of failures, even for the right password, and says when to retry', async () => {
    await h.register('locked');
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      expect(codeOf(await attempt('locked', 'wrong horse battery'))).toBe(AuthErrorCode.INVALID_CREDENTIALS);
    }
    const refused = await attempt('LOCKED', PASSWORD);
    expect(refused).toMatchObject({ code: CommonErrorCode.RATE_LIMITED });
    const seconds = readRetryAfter((refused as ErrorPayload).details);
    expect(seconds).toBeGreaterThanOrEqual(WINDOW - 5);
    expect(seconds).toBeLessThanOrEqual(WINDOW);
    expect(await failuresOf('login_account', 'locked')).toBe(ACCOUNT_LIMIT);
  });

  it('answers an unknown account exactly like a known one, throttle included', async () => {
    const known: Array<string> = [];
    const unknown: Array<string> = [];
    await h.register('exists');
    for (let i = 0; i <= ACCOUNT_LIMIT; i++) {
      known.push(codeOf(await attempt('exists', 'wrong horse battery')));
      unknown.push(codeOf(await attempt('does-not-exist', 'wrong horse battery')));
    }
    expect(unknown).toEqual(known);
    expect(known).toEqual([
      ...Array(ACCOUNT_LIMIT).fill(AuthErrorCode.INVALID_CREDENTIALS),
      CommonErrorCode.RATE_LIMITED,
    ]);
  });

  it('reopens as failures leave the sliding window, pruning them', async () => {
    await h.register('patient');
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await attempt('patient', 'wrong horse battery');
    expect(codeOf(await attempt('patient', PASSWORD))).toBe(CommonErrorCode.RATE_LIMITED);
    // One failure ages out of the window: one more attempt is allowed, and the old row is gone.
    await h.pg.query(
      `UPDATE auth.throttle_events SET at = at - make_interval(secs => $1)
        WHERE id = (SELECT min(id) FROM auth.throttle_events WHERE scope = 'login_account' AND key = 'patient')`,
      [WINDOW + 1],
    );
    expect(codeOf(await attempt('patient', PASSWORD))).toBe('ok');
    expect(await failuresOf('login_account', 'patient')).toBe(0);
  });

  it('forgives an account its failures once the right password is given', async () => {
    await h.register('forgetful');
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) await attempt('forgetful', 'wrong horse battery');
    expect(codeOf(await attempt('forgetful', PASSWORD))).toBe('ok');
    expect(await failuresOf('login_account', 'forgetful')).toBe(0);
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) {
      expect(codeOf(await attempt('forgetful', 'wrong horse battery'))).toBe(
        AuthErrorCode.INVALID_CREDENTIALS,
      );
    }
  });

  it('limits failures per client IP across accounts; other addresses and successes are not held against it', async () => {
    const ip = '203.0.113.7';
    await h.register('ipuser');
    for (let i = 0; i < 2 * IP_LIMIT; i++) expect(codeOf(await attempt('ipuser', PASSWORD, ip))).toBe('ok');
    for (let i = 0; i < IP_LIMIT; i++) {
      expect(codeOf(await attempt(`nobody${i}`, 'wrong horse battery', ip))).toBe(
        AuthErrorCode.INVALID_CREDENTIALS,
      );
    }
    expect(codeOf(await attempt('ipuser', PASSWORD, ip))).toBe(CommonErrorCode.RATE_LIMITED);
    expect(codeOf(await attempt('ipuser', PASSWORD, '2001:db8::1'))).toBe('ok');
    expect(await failuresOf('login_ip', ip)).toBe(IP_LIMIT);
  });

  it('holds the limit against a parallel burst spread over two auth instances', async () => {
    await h.register('burst');
    let second: INestApplication | undefined;
    try {
      second = await startAuthService(h.env);
      const results = await Promise.all(
        Array.from({ length: 16 }, () => attempt('burst', 'wrong horse battery', '198.51.100.9')),
      );
      const codes = results.map(codeOf);
      expect(codes.filter((c) => c === AuthErrorCode.INVALID_CREDENTIALS)).toHaveLength(ACCOUNT_LIMIT);
      expect(codes.filter((c) => c === CommonErrorCode.RATE_LIMITED)).toHaveLength(16 - ACCOUNT_LIMIT);
      expect(await failuresOf('login_account', 'burst')).toBe(ACCOUNT_LIMIT);
    } finally {
      await second?.close();
    }
  });

  it('throttles guesses at the current password when changing it', async () => {
    const out = await h.register('changer');
    const { sid } = JSON.parse(Buffer.from(out.accessToken.split('.')[1], 'base64url').toString()) as {
      sid: string;
    };
    const change = (currentPassword: string) =>
      h.rpc.request(Commands.AUTH_PASSWORD_CHANGE, {
        actorId: out.user.id,
        sessionId: sid,
        currentPassword,
        newPassword: 'a brand new secret',
      });
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      await expect(failure(change('wrong horse battery'))).resolves.toMatchObject({
        code: AuthErrorCode.WRONG_PASSWORD,
      });
    }
    await expect(failure(change(PASSWORD))).resolves.toMatchObject({ code: CommonErrorCode.RATE_LIMITED });
    expect(codeOf(await attempt('changer', PASSWORD))).toBe(CommonErrorCode.RATE_LIMITED);
  });

  it('limits guest identities per client IP', async () => {
    const guest = () => h.rpc.request(Commands.AUTH_GUEST_CREATE, { clientIp: '192.0.2.50' });
    await guest();
    await guest();
    const before = await h.count(`SELECT 1 FROM auth.users WHERE role = 'guest'`);
    await expect(failure(guest())).resolves.toMatchObject({ code: CommonErrorCode.RATE_LIMITED });
    expect(await h.count(`SELECT 1 FROM auth.users WHERE role = 'guest'`)).toBe(before);
    await expect(
      h.rpc.request(Commands.AUTH_GUEST_CREATE, { clientIp: '192.0.2.51' }),
    ).resolves.toMatchObject({
      user: { role: 'guest' },
    });
  });

  it('refuses a client IP that is not an address', async () => {
    await expect(failure(h.login('anyone', PASSWORD, { clientIp: 'not-an-ip' }))).resolves.toMatchObject({
      code: CommonErrorCode.VALIDATION_FAILED,
      details: [{ field: 'clientIp' }],
    });
  });

  it('at the default argon2 cost, takes about as long for an unknown user as for a wrong password', async () => {
    await h.restart({
      ARGON2_MEMORY_KIB: '19456',
      ARGON2_ITERATIONS: '2',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
    });
    // Hashed at the same cost as the dummy the unknown names are checked against.
    await h.register('timed');
    const time = async (username: string): Promise<number> => {
      const started = process.hrtime.bigint();
      await attempt(username, 'wrong horse battery');
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      wrong.push(await time('timed'));
      unknown.push(await time(`ghost${i}`));
    }
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

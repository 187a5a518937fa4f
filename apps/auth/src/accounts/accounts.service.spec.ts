import { AuthErrorCode, CommonErrorCode, retryAfterDetail } from '@app/contracts';
import { AppException, loadConfig, Metrics, verifyAccessToken } from '@app/common';
import { AuthConfig } from '../auth.config';
import { SessionEvents } from '../sessions/session-events';
import { NewRefreshToken, NewSession, SessionsRepository } from '../sessions/sessions.repository';
import { PreparedSession, SessionsService } from '../sessions/sessions.service';
import { Attempt, LoginThrottle } from '../throttle/login-throttle';
import { AccountsRepository, NewUser } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { UserEntity } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';

const SECRET = 's'.repeat(40);

/** In memory, with the same unique-key behaviour as the table. */
class FakeAccounts {
  readonly users = new Map<string, UserEntity>();
  readonly sessions: NewSession[] = [];
  /** Simulates a rival registration committing between the early check and the insert. */
  raceOnNextInsert = false;

  async findByUsernameKey(key: string): Promise<UserEntity | null> {
    return this.users.get(key) ?? null;
  }

  async createUserWithSession(
    user: NewUser,
    prepared: PreparedSession,
  ): Promise<UserEntity | 'username_taken'> {
    if (this.raceOnNextInsert || this.users.has(user.usernameKey)) return 'username_taken';
    const entity = Object.assign(new UserEntity(), { ...user, deactivatedAt: null });
    this.users.set(user.usernameKey, entity);
    this.sessions.push(prepared.session);
    return entity;
  }

  async updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    for (const u of this.users.values()) if (u.id === userId) u.passwordHash = passwordHash;
  }
}

class FakeSessions {
  constructor(private readonly accounts: FakeAccounts) {}
  async insertSession(session: NewSession, _refresh: NewRefreshToken): Promise<void> {
    this.accounts.sessions.push(session);
  }
}

/** Transparent "hashes", recording which hash each check ran against. */
class FakeHasher {
  readonly verified: string[] = [];
  stale = new Set<string>();
  async hash(password: string): Promise<string> {
    return `h:${password}`;
  }
  async verify(hash: string, password: string): Promise<boolean> {
    this.verified.push(hash);
    return hash === `h:${password}`;
  }
  async verifyAgainstDummy(password: string): Promise<void> {
    await this.verify('dummy', password);
  }
  needsRehash(hash: string): boolean {
    return this.stale.has(hash);
  }
}

class FakeThrottle {
  refuse = false;
  readonly begun: string[] = [];
  readonly forgiven: string[] = [];
  async beginLogin(accountKey: string): Promise<Attempt> {
    if (this.refuse)
      throw new AppException(CommonErrorCode.RATE_LIMITED, 'slow down', [retryAfterDetail(60)]);
    this.begun.push(accountKey);
    return { ids: [], accountKey };
  }
  async succeeded(attempt: Attempt): Promise<void> {
    this.forgiven.push(attempt.accountKey ?? '');
  }
  async countGuestCreation(): Promise<void> {}
}

describe('AccountsService', () => {
  let accounts: FakeAccounts;
  let hasher: FakeHasher;
  let throttle: FakeThrottle;
  let metrics: Metrics;
  let service: AccountsService;

  beforeEach(() => {
    accounts = new FakeAccounts();
    hasher = new FakeHasher();
    throttle = new FakeThrottle();
    metrics = new Metrics();
    const config = loadConfig(AuthConfig, { JWT_SECRET: SECRET, ACCESS_TOKEN_TTL_SECONDS: '600' });
    const sessions = new SessionsService(
      new FakeSessions(accounts) as unknown as SessionsRepository,
      { revoked: async () => undefined } as unknown as SessionEvents,
      config,
      metrics,
    );
    service = new AccountsService(
      accounts as unknown as AccountsRepository,
      hasher as unknown as PasswordHasher,
      sessions,
      throttle as unknown as LoginThrottle,
      metrics,
    );
  });

  const register = (username: string, password = 'correct horse', displayName?: string) =>
    service.register({ username, password, displayName, userAgent: 'jest' });

  it('registers and signs a short-lived token plus a refresh token for the new user and session', async () => {
    const out = await register(' 김민수 ');
    expect(out.user).toMatchObject({
      username: '김민수',
      usernameKey: '김민수',
      displayName: '김민수',
      displayNameKey: '김민수',
      statusText: '',
      role: 'user',
    });
    expect(out.user.passwordHash).toBe('h:correct horse');
    const claims = verifyAccessToken(out.accessToken, SECRET);
    expect(claims).toEqual({
      sub: out.user.id,
      sid: accounts.sessions[0].id,
      username: '김민수',
      name: '김민수',
      role: 'user',
    });
    expect(out.expiresAt.getTime() - Date.now()).toBeGreaterThan(590_000);
    expect(out.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(600_000);
    expect(out.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(out.refreshExpiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(accounts.sessions[0].expiresAt).toEqual(out.refreshExpiresAt);
  });

  it('reports USERNAME_TAKEN when a rival wins the race at the unique key', async () => {
    accounts.raceOnNextInsert = true;
    await expect(register('racer')).rejects.toMatchObject({ code: AuthErrorCode.USERNAME_TAKEN });
  });

  it('refuses with the matching codes and details', async () => {
    await expect(register('a')).rejects.toMatchObject({
      code: AuthErrorCode.INVALID_USERNAME,
      details: [{ field: 'username' }],
    });
    await expect(register('ＡＤＭＩＮ')).rejects.toMatchObject({
      code: AuthErrorCode.INVALID_USERNAME,
      message: 'This username is reserved',
    });
    await expect(register('alice', 'password')).rejects.toMatchObject({
      code: AuthErrorCode.WEAK_PASSWORD,
      details: [{ field: 'password' }],
    });
    await expect(register('alice', 'correct horse', '\u0007')).rejects.toMatchObject({
      code: CommonErrorCode.VALIDATION_FAILED,
      details: [{ field: 'displayName' }],
    });
    expect(accounts.users.size).toBe(0);
  });

  it('treats a fullwidth look-alike as the same name', async () => {
    await register('alice');
    await expect(register('Ａｌｉｃｅ')).rejects.toMatchObject({ code: AuthErrorCode.USERNAME_TAKEN });
  });

  it('checks an unknown name against the dummy hash, and refuses it like a wrong password', async () => {
    await register('alice');
    const unknown = await service
      .login({ username: 'nobody', password: 'correct horse' })
      .catch((e: unknown) => e);
    const wrong = await service
      .login({ username: 'alice', password: 'wrong horse' })
      .catch((e: unknown) => e);
    const invalidName = await service.login({ username: '\u0000', password: 'x' }).catch((e: unknown) => e);
    expect(hasher.verified).toEqual(['dummy', 'h:correct horse', 'dummy']);
    for (const err of [unknown, wrong, invalidName]) {
      expect(err).toMatchObject({
        code: AuthErrorCode.INVALID_CREDENTIALS,
        message: 'Wrong username or password',
      });
    }
    // Every attempt was counted, the invalid name under a digest.
    expect(throttle.begun).toEqual(['nobody', 'alice', expect.stringMatching(/^#[0-9a-f]{64}$/)]);
  });

  it('refuses a deactivated account the same way, after checking its password', async () => {
    const { user } = await register('alice');
    user.deactivatedAt = new Date();
    await expect(service.login({ username: 'alice', password: 'correct horse' })).rejects.toMatchObject({
      code: AuthErrorCode.INVALID_CREDENTIALS,
      message: 'Wrong username or password',
    });
    expect(hasher.verified).toEqual(['h:correct horse']);
  });

  it('refuses a throttled login before any hash is checked', async () => {
    await register('alice');
    throttle.refuse = true;
    await expect(service.login({ username: 'alice', password: 'correct horse' })).rejects.toMatchObject({
      code: CommonErrorCode.RATE_LIMITED,
    });
    expect(hasher.verified).toEqual([]);
    expect(await metrics.registry.metrics()).toContain('happychat_auth_logins_total{result="throttled"} 1');
  });

  it('logs in case-insensitively, forgives earlier failures, opens a session and upgrades a stale hash', async () => {
    const { user } = await register('Alice');
    hasher.stale.add('h:correct horse');
    jest.spyOn(hasher, 'hash').mockResolvedValueOnce('h2:correct horse');
    const out = await service.login({ username: 'ALICE', password: 'correct horse', userAgent: 'phone' });
    expect(out.user.id).toBe(user.id);
    expect(user.passwordHash).toBe('h2:correct horse');
    expect(throttle.forgiven).toEqual(['alice']);
    expect(accounts.sessions).toHaveLength(2);
    expect(accounts.sessions[1]).toMatchObject({ userId: user.id, userAgent: 'phone' });
    expect(verifyAccessToken(out.accessToken, SECRET).sid).toBe(accounts.sessions[1].id);
  });

  it('gives a guest a Korean nickname that is a valid username, and never lets it log in', async () => {
    const guest = await service.createGuest({ userAgent: 'tab' });
    expect(guest.user.role).toBe('guest');
    expect(guest.user.username).toMatch(/^\p{Script=Hangul}+\d{4}$/u);
    expect(verifyAccessToken(guest.accessToken, SECRET).role).toBe('guest');
    expect(guest.refreshExpiresAt.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    await expect(
      service.login({ username: guest.user.username, password: 'anything at all' }),
    ).rejects.toMatchObject({
      code: AuthErrorCode.INVALID_CREDENTIALS,
    });
    expect(hasher.verified).toEqual(['dummy']);
  });

  it('counts logins by result and registrations', async () => {
    await register('alice');
    await service.login({ username: 'alice', password: 'correct horse' });
    await service.login({ username: 'alice', password: 'nope nope' }).catch(() => undefined);
    await service.login({ username: 'bob', password: 'nope nope' }).catch(() => undefined);
    const text = await metrics.registry.metrics();
    expect(text).toContain('happychat_auth_logins_total{result="success"} 1');
    expect(text).toContain('happychat_auth_logins_total{result="failure"} 2');
    expect(text).toContain('happychat_auth_registrations_total 1');
  });
});

import { AuthErrorCode, CommonErrorCode } from '@app/contracts';
import { loadConfig, Metrics, verifyAccessToken } from '@app/common';
import { AuthConfig } from '../auth.config';
import { AccountsRepository, NewSession, NewUser } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { UserEntity } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';

const SECRET = 's'.repeat(40);

/** In memory, with the same unique-key behaviour as the table. */
class FakeRepository {
  readonly users = new Map<string, UserEntity>();
  readonly sessions: NewSession[] = [];
  /** Simulates a rival registration committing between the early check and the insert. */
  raceOnNextInsert = false;

  async findByUsernameKey(key: string): Promise<UserEntity | null> {
    return this.users.get(key) ?? null;
  }

  async createUserWithSession(user: NewUser, session: NewSession): Promise<UserEntity | 'username_taken'> {
    if (this.raceOnNextInsert || this.users.has(user.usernameKey)) return 'username_taken';
    const entity = Object.assign(new UserEntity(), { ...user, deactivatedAt: null });
    this.users.set(user.usernameKey, entity);
    this.sessions.push(session);
    return entity;
  }

  async createSession(session: NewSession): Promise<void> {
    this.sessions.push(session);
  }

  async updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    for (const u of this.users.values()) if (u.id === userId) u.passwordHash = passwordHash;
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

describe('AccountsService', () => {
  let repo: FakeRepository;
  let hasher: FakeHasher;
  let metrics: Metrics;
  let service: AccountsService;

  beforeEach(() => {
    repo = new FakeRepository();
    hasher = new FakeHasher();
    metrics = new Metrics();
    service = new AccountsService(
      repo as unknown as AccountsRepository,
      hasher as unknown as PasswordHasher,
      loadConfig(AuthConfig, { JWT_SECRET: SECRET, ACCESS_TOKEN_TTL_SECONDS: '600' }),
      metrics,
    );
  });

  const register = (username: string, password = 'correct horse', displayName?: string) =>
    service.register({ username, password, displayName, userAgent: 'jest' });

  it('registers and signs a token for the new user and session', async () => {
    const { user, accessToken, expiresAt } = await register(' 김민수 ');
    expect(user).toMatchObject({
      username: '김민수',
      usernameKey: '김민수',
      displayName: '김민수',
      role: 'user',
    });
    expect(user.passwordHash).toBe('h:correct horse');
    const claims = verifyAccessToken(accessToken, SECRET);
    expect(claims).toEqual({
      sub: user.id,
      sid: repo.sessions[0].id,
      username: '김민수',
      name: '김민수',
      role: 'user',
    });
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(590_000);
  });

  it('reports USERNAME_TAKEN when a rival wins the race at the unique key', async () => {
    repo.raceOnNextInsert = true;
    await expect(register('racer')).rejects.toMatchObject({ code: AuthErrorCode.USERNAME_TAKEN });
  });

  it('refuses with the matching codes and details', async () => {
    await expect(register('a')).rejects.toMatchObject({
      code: AuthErrorCode.INVALID_USERNAME,
      details: [{ field: 'username' }],
    });
    await expect(register('alice', 'password')).rejects.toMatchObject({
      code: AuthErrorCode.WEAK_PASSWORD,
      details: [{ field: 'password' }],
    });
    await expect(register('alice', 'correct horse', '\u0007')).rejects.toMatchObject({
      code: CommonErrorCode.VALIDATION_FAILED,
      details: [{ field: 'displayName' }],
    });
    expect(repo.users.size).toBe(0);
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

  it('logs in case-insensitively, opens a session and upgrades a stale hash', async () => {
    const { user } = await register('Alice');
    user.passwordHash = 'h:correct horse';
    hasher.stale.add('h:correct horse');
    jest.spyOn(hasher, 'hash').mockResolvedValueOnce('h2:correct horse');
    const out = await service.login({ username: 'ALICE', password: 'correct horse', userAgent: 'phone' });
    expect(out.user.id).toBe(user.id);
    expect(user.passwordHash).toBe('h2:correct horse');
    expect(repo.sessions).toHaveLength(2);
    expect(repo.sessions[1]).toMatchObject({ userId: user.id, userAgent: 'phone' });
    expect(verifyAccessToken(out.accessToken, SECRET).sid).toBe(repo.sessions[1].id);
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

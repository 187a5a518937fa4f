import { Injectable, Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { AuthErrorCode, CommonErrorCode, LoginCommand, RegisterCommand } from '@app/contracts';
import { AppException, Metrics, signAccessToken, uuidv7 } from '@app/common';
import { AuthConfig } from '../auth.config';
import { AccountsRepository } from './accounts.repository';
import { UserEntity } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';
import { normalizePassword, passwordWeakness } from './password-policy';
import { cleanUserAgent } from './user-agent';
import { checkDisplayName, checkUsername, usernameKey } from './username';

export type RegisterInput = Pick<RegisterCommand, 'username' | 'password' | 'displayName' | 'userAgent'>;
export type LoginInput = Pick<LoginCommand, 'username' | 'password' | 'userAgent'>;

export interface Authenticated {
  user: UserEntity;
  accessToken: string;
  expiresAt: Date;
}

/** One message for every login refusal, so a caller cannot tell which names exist. */
const INVALID_CREDENTIALS_MESSAGE = 'Wrong username or password';

@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);
  private readonly logins: Counter<string>;
  private readonly registrations: Counter<string>;

  constructor(
    private readonly repository: AccountsRepository,
    private readonly hasher: PasswordHasher,
    private readonly config: AuthConfig,
    metrics: Metrics,
  ) {
    this.logins = metrics.counter('happychat_auth_logins_total', 'Login attempts, by result', ['result']);
    this.registrations = metrics.counter('happychat_auth_registrations_total', 'Accounts created');
    // Export both series from the start, so a rate over them is defined before the first login.
    this.logins.inc({ result: 'success' }, 0);
    this.logins.inc({ result: 'failure' }, 0);
  }

  async register(input: RegisterInput): Promise<Authenticated> {
    const username = checkUsername(input.username);
    if (!username.ok) {
      throw new AppException(AuthErrorCode.INVALID_USERNAME, username.reason, [
        { field: 'username', reason: username.reason },
      ]);
    }
    const key = usernameKey(username.value);
    const displayName = checkDisplayName(input.displayName, username.value);
    if (!displayName.ok) {
      throw new AppException(CommonErrorCode.VALIDATION_FAILED, displayName.reason, [
        { field: 'displayName', reason: displayName.reason },
      ]);
    }
    const weakness = passwordWeakness(input.password, key);
    if (weakness)
      throw new AppException(AuthErrorCode.WEAK_PASSWORD, weakness, [
        { field: 'password', reason: weakness },
      ]);
    // Cheap early refusal before paying for a hash; the unique key still decides under a race.
    if (await this.repository.findByUsernameKey(key)) throw usernameTaken();

    const now = new Date();
    const userId = uuidv7();
    const sessionId = uuidv7();
    const created = await this.repository.createUserWithSession(
      {
        id: userId,
        username: username.value,
        usernameKey: key,
        displayName: displayName.value,
        passwordHash: await this.hasher.hash(normalizePassword(input.password)),
        role: 'user',
        createdAt: now,
      },
      { id: sessionId, userId, userAgent: cleanUserAgent(input.userAgent), createdAt: now },
    );
    if (created === 'username_taken') throw usernameTaken();
    this.registrations.inc();
    return this.issue(created, sessionId);
  }

  async login(input: LoginInput): Promise<Authenticated> {
    const password = normalizePassword(input.password);
    // A name that could never have been registered is not looked up (it may not even be storable).
    const user = checkUsername(input.username).ok
      ? await this.repository.findByUsernameKey(usernameKey(input.username))
      : null;
    if (!user) {
      await this.hasher.verifyAgainstDummy(password);
      throw this.loginFailed();
    }
    // Verified even for a deactivated account, so its refusal takes as long as any other.
    const valid = await this.hasher.verify(user.passwordHash, password);
    if (!valid || user.deactivatedAt) throw this.loginFailed();

    if (this.hasher.needsRehash(user.passwordHash)) await this.upgradeHash(user, password);
    const sessionId = uuidv7();
    await this.repository.createSession({
      id: sessionId,
      userId: user.id,
      userAgent: cleanUserAgent(input.userAgent),
      createdAt: new Date(),
    });
    this.logins.inc({ result: 'success' });
    return this.issue(user, sessionId);
  }

  /** The cost parameters were raised since this hash was made; the plain password is at hand only now. */
  private async upgradeHash(user: UserEntity, password: string): Promise<void> {
    try {
      await this.repository.updatePasswordHash(user.id, await this.hasher.hash(password));
    } catch (err) {
      this.logger.warn(`could not upgrade password hash of ${user.id}: ${(err as Error).message}`);
    }
  }

  private issue(user: UserEntity, sessionId: string): Authenticated {
    const { token, expiresAt } = signAccessToken(
      { sub: user.id, sid: sessionId, username: user.username, name: user.displayName, role: user.role },
      this.config.JWT_SECRET,
      this.config.ACCESS_TOKEN_TTL_SECONDS,
    );
    return { user, accessToken: token, expiresAt };
  }

  private loginFailed(): AppException {
    this.logins.inc({ result: 'failure' });
    return new AppException(AuthErrorCode.INVALID_CREDENTIALS, INVALID_CREDENTIALS_MESSAGE);
  }
}

function usernameTaken(): AppException {
  return new AppException(AuthErrorCode.USERNAME_TAKEN, 'This username is already taken', [
    { field: 'username', reason: 'already taken' },
  ]);
}

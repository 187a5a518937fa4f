import { Injectable, Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import {
  AuthErrorCode,
  CommonErrorCode,
  GuestCreateCommand,
  GuestUpgradeCommand,
  LoginCommand,
  PasswordChangeCommand,
  RegisterCommand,
} from '@app/contracts';
import { AppException, Metrics, uuidv7 } from '@app/common';
import { Authenticated, sessionRevoked, SessionsService } from '../sessions/sessions.service';
import { accountThrottleKey, LoginThrottle } from '../throttle/login-throttle';
import { AccountsRepository } from './accounts.repository';
import { UserEntity } from './entities/user.entity';
import { GUEST_PASSWORD_HASH, guestNickname } from './guest-names';
import { PasswordHasher } from './password-hasher';
import { normalizePassword, passwordWeakness } from './password-policy';
import { checkDisplayName, checkUsername, NameCheck, searchKey, usernameKey } from './username';

type Input<T> = Omit<T, 'type' | 'v'>;
export type RegisterInput = Input<RegisterCommand>;
export type LoginInput = Input<LoginCommand>;

/** One message for every login refusal, so a caller cannot tell which names exist. */
const INVALID_CREDENTIALS_MESSAGE = 'Wrong username or password';
const GUEST_NAME_ATTEMPTS = 8;

@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);
  private readonly logins: Counter<string>;
  private readonly registrations: Counter<string>;
  private readonly guests: Counter<string>;

  constructor(
    private readonly repository: AccountsRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
    metrics: Metrics,
  ) {
    this.logins = metrics.counter('happychat_auth_logins_total', 'Login attempts, by result', ['result']);
    this.registrations = metrics.counter('happychat_auth_registrations_total', 'Accounts created');
    this.guests = metrics.counter('happychat_auth_guests_total', 'Guest identities, by event', ['event']);
    // Export the series from the start, so a rate over them is defined before the first event.
    for (const result of ['success', 'failure', 'throttled']) this.logins.inc({ result }, 0);
    for (const event of ['created', 'upgraded']) this.guests.inc({ event }, 0);
  }

  async register(input: RegisterInput): Promise<Authenticated> {
    const username = required(checkUsername(input.username), AuthErrorCode.INVALID_USERNAME, 'username');
    const key = usernameKey(username);
    const displayName = required(
      checkDisplayName(input.displayName, username),
      CommonErrorCode.VALIDATION_FAILED,
      'displayName',
    );
    checkPassword(input.password, key, 'password');
    // Cheap early refusal before paying for a hash; the unique key still decides under a race.
    if (await this.repository.findByUsernameKey(key)) throw usernameTaken();

    const passwordHash = await this.hasher.hash(normalizePassword(input.password));
    const user: Omit<UserEntity, 'deactivatedAt' | 'id'> = {
      username,
      usernameKey: key,
      displayName,
      displayNameKey: searchKey(displayName),
      statusText: '',
      passwordHash,
      role: 'user',
      createdAt: new Date(),
    };
    const result = await this.createWithSession(user, input.userAgent);
    if (result === 'username_taken') throw usernameTaken();
    this.registrations.inc();
    return result;
  }

  async login(input: LoginInput): Promise<Authenticated> {
    const password = normalizePassword(input.password);
    // A name that could never have been registered is not looked up (it may not even be storable),
    // but it is throttled like any other.
    const name = checkUsername(input.username, { allowReserved: true });
    const key = name.ok ? usernameKey(name.value) : null;
    let attempt;
    try {
      attempt = await this.throttle.beginLogin(accountThrottleKey(key, input.username), input.clientIp);
    } catch (err) {
      this.logins.inc({ result: 'throttled' });
      throw err;
    }
    const user = key ? await this.repository.findByUsernameKey(key) : null;
    // Guests and integrations have no password; bots connect to the broker, not to us.
    if (!user || user.role === 'guest' || user.role === 'bot') {
      await this.hasher.verifyAgainstDummy(password);
      throw this.loginFailed();
    }
    // Verified even for a deactivated account, so its refusal takes as long as any other.
    const valid = await this.hasher.verify(user.passwordHash, password);
    if (!valid || user.deactivatedAt) throw this.loginFailed();

    await this.throttle.succeeded(attempt);
    if (this.hasher.needsRehash(user.passwordHash)) await this.upgradeHash(user, password);
    const out = await this.sessions.open(user, input.userAgent);
    this.logins.inc({ result: 'success' });
    return out;
  }

  /** A guest: a generated nickname and a session, no password. */
  async createGuest(input: Input<GuestCreateCommand>): Promise<Authenticated> {
    await this.throttle.countGuestCreation(input.clientIp);
    for (let attempt = 0; attempt < GUEST_NAME_ATTEMPTS; attempt++) {
      // Widen the number after a few collisions rather than loop on a crowded space.
      const nickname = guestNickname(attempt < 4 ? 4 : 6);
      const result = await this.createWithSession(
        {
          username: nickname,
          usernameKey: usernameKey(nickname),
          displayName: nickname,
          displayNameKey: searchKey(nickname),
          statusText: '',
          passwordHash: GUEST_PASSWORD_HASH,
          role: 'guest',
          createdAt: new Date(),
        },
        input.userAgent,
      );
      if (result !== 'username_taken') {
        this.guests.inc({ event: 'created' });
        return result;
      }
    }
    throw new AppException(
      CommonErrorCode.SERVICE_UNAVAILABLE,
      'Could not find a free guest nickname; try again',
    );
  }

  /** The guest registers, keeping its id and, unless it asks for another, its nickname. */
  async upgradeGuest(input: Input<GuestUpgradeCommand>): Promise<Authenticated> {
    const user = await this.activeUser(input.actorId);
    if (user.role !== 'guest') {
      throw new AppException(
        AuthErrorCode.FORBIDDEN,
        'Only a guest can register this way; this account already is',
      );
    }
    await this.sessions.requireActive(user.id, input.sessionId);
    const username =
      input.username === undefined
        ? user.username
        : required(checkUsername(input.username), AuthErrorCode.INVALID_USERNAME, 'username');
    const key = usernameKey(username);
    const keptName = user.displayName === user.username ? username : user.displayName;
    const displayName =
      input.displayName === undefined
        ? keptName
        : required(
            checkDisplayName(input.displayName, username),
            CommonErrorCode.VALIDATION_FAILED,
            'displayName',
          );
    checkPassword(input.password, key, 'password');
    if (key !== user.usernameKey && (await this.repository.findByUsernameKey(key))) throw usernameTaken();

    const passwordHash = await this.hasher.hash(normalizePassword(input.password));
    const { refresh, refreshToken } = this.sessions.prepareRefresh(input.sessionId, 'user');
    const upgraded = await this.repository.upgradeGuest(
      user.id,
      { username, usernameKey: key, displayName, displayNameKey: searchKey(displayName), passwordHash },
      input.sessionId,
      refresh,
    );
    if (upgraded === 'username_taken') throw usernameTaken();
    if (upgraded === 'not_guest')
      throw new AppException(AuthErrorCode.FORBIDDEN, 'This account is already registered');
    this.guests.inc({ event: 'upgraded' });
    this.registrations.inc();
    return this.sessions.authenticated(upgraded, input.sessionId, refreshToken, refresh.expiresAt);
  }

  /** Returns how many other sessions were revoked. */
  async changePassword(input: Input<PasswordChangeCommand>): Promise<number> {
    const user = await this.activeUser(input.actorId);
    if (user.role === 'guest') {
      throw new AppException(AuthErrorCode.FORBIDDEN, 'A guest has no password; register first');
    }
    await this.sessions.requireActive(user.id, input.sessionId);
    checkPassword(input.newPassword, user.usernameKey, 'newPassword');
    // Guessing the current password with a stolen token is throttled like guessing at login.
    const attempt = await this.throttle.beginLogin(user.usernameKey, input.clientIp);
    if (!(await this.hasher.verify(user.passwordHash, normalizePassword(input.currentPassword)))) {
      throw new AppException(AuthErrorCode.WRONG_PASSWORD, 'The current password is not right', [
        { field: 'currentPassword', reason: 'does not match' },
      ]);
    }
    await this.throttle.succeeded(attempt);
    const passwordHash = await this.hasher.hash(normalizePassword(input.newPassword));
    const revoked = await this.repository.changePassword(user.id, passwordHash, input.sessionId);
    await this.sessions.announce(revoked, 'password_changed');
    return revoked.length;
  }

  private async createWithSession(
    user: Omit<UserEntity, 'deactivatedAt' | 'id'>,
    userAgent: string | undefined,
  ): Promise<Authenticated | 'username_taken'> {
    const full = { ...user, id: uuidv7() };
    const prepared = this.sessions.prepare(full, userAgent, user.createdAt);
    const created = await this.repository.createUserWithSession(full, prepared);
    if (created === 'username_taken') return created;
    return this.sessions.authenticatedPrepared(created, prepared);
  }

  private async activeUser(userId: string): Promise<UserEntity> {
    const user = await this.repository.findById(userId);
    if (!user || user.deactivatedAt) throw sessionRevoked();
    return user;
  }

  /** The cost parameters were raised since this hash was made; the plain password is at hand only now. */
  private async upgradeHash(user: UserEntity, password: string): Promise<void> {
    try {
      await this.repository.updatePasswordHash(user.id, await this.hasher.hash(password));
    } catch (err) {
      this.logger.warn(`could not upgrade password hash of ${user.id}: ${(err as Error).message}`);
    }
  }

  private loginFailed(): AppException {
    this.logins.inc({ result: 'failure' });
    return new AppException(AuthErrorCode.INVALID_CREDENTIALS, INVALID_CREDENTIALS_MESSAGE);
  }
}

function required(check: NameCheck, code: AuthErrorCode | CommonErrorCode, field: string): string {
  if (!check.ok) throw new AppException(code, check.reason, [{ field, reason: check.reason }]);
  return check.value;
}

function checkPassword(password: string, key: string, field: string): void {
  const weakness = passwordWeakness(password, key);
  if (weakness) throw new AppException(AuthErrorCode.WEAK_PASSWORD, weakness, [{ field, reason: weakness }]);
}

function usernameTaken(): AppException {
  return new AppException(AuthErrorCode.USERNAME_TAKEN, 'This username is already taken', [
    { field: 'username', reason: 'already taken' },
  ]);
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { DatabaseError } from 'pg';
import { QueryFailedError, Repository } from 'typeorm';
import { NewRefreshToken, RevokedSession, SessionsRepository } from '../sessions/sessions.repository';
import type { PreparedSession } from '../sessions/sessions.service';
import { UserEntity } from './entities/user.entity';

const USERNAME_KEY_UNIQUE = 'users_username_key_unique';
const UNIQUE_VIOLATION = '23505';

export type NewUser = Omit<UserEntity, 'deactivatedAt'>;
export type GuestUpgrade = Pick<
  UserEntity,
  'username' | 'usernameKey' | 'displayName' | 'displayNameKey' | 'passwordHash'
>;

@Injectable()
export class AccountsRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly sessions: SessionsRepository,
  ) {}

  findByUsernameKey(usernameKey: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ usernameKey });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /**
   * User, first session and its refresh token in one transaction. A concurrent registration of
   * the same name that got past the service's early check loses here, on the unique key.
   */
  async createUserWithSession(
    user: NewUser,
    prepared: PreparedSession,
  ): Promise<UserEntity | 'username_taken'> {
    const entity = this.users.create({ ...user, deactivatedAt: null });
    try {
      await this.users.manager.transaction(async (em) => {
        await em.insert(UserEntity, entity);
        await this.sessions.insertSession(prepared.session, prepared.refresh, em);
      });
    } catch (err) {
      if (isUniqueViolation(err, USERNAME_KEY_UNIQUE)) return 'username_taken';
      throw err;
    }
    return entity;
  }

  /** A user with no session (the configured admin). */
  async createUser(user: NewUser): Promise<UserEntity | 'username_taken'> {
    const entity = this.users.create({ ...user, deactivatedAt: null });
    try {
      await this.users.insert(entity);
    } catch (err) {
      if (isUniqueViolation(err, USERNAME_KEY_UNIQUE)) return 'username_taken';
      throw err;
    }
    return entity;
  }

  async updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.users.update({ id: userId }, { passwordHash });
  }

  /** New hash and every other session revoked, together: a half-done change would keep a thief in. */
  changePassword(userId: string, passwordHash: string, keepSessionId: string): Promise<RevokedSession[]> {
    return this.users.manager.transaction(async (em) => {
      await em.update(UserEntity, { id: userId }, { passwordHash });
      return this.sessions.revokeAllOfUser(userId, 'password_changed', {
        exceptSessionId: keepSessionId,
        em,
      });
    });
  }

  /**
   * The guest becomes a user (same id) and its session gets a fresh refresh family. Only a row
   * that is still a guest changes, so two racing upgrades cannot both succeed.
   */
  async upgradeGuest(
    userId: string,
    changes: GuestUpgrade,
    sessionId: string,
    refresh: NewRefreshToken,
  ): Promise<UserEntity | 'username_taken' | 'not_guest'> {
    try {
      return await this.users.manager.transaction(async (em) => {
        const result = await em.update(
          UserEntity,
          { id: userId, role: 'guest' },
          { ...changes, role: 'user' },
        );
        if (!result.affected) return 'not_guest' as const;
        await this.sessions.replaceRefreshTokens(sessionId, refresh, em);
        return em.findOneByOrFail(UserEntity, { id: userId });
      });
    } catch (err) {
      if (isUniqueViolation(err, USERNAME_KEY_UNIQUE)) return 'username_taken';
      throw err;
    }
  }
}

export function isUniqueViolation(err: unknown, constraint: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driverError = err.driverError as Partial<DatabaseError>;
  return driverError.code === UNIQUE_VIOLATION && driverError.constraint === constraint;
}

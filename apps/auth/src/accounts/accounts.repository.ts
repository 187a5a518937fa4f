import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { DatabaseError } from 'pg';
import { QueryFailedError, Repository } from 'typeorm';
import { SessionEntity } from './entities/session.entity';
import { UserEntity } from './entities/user.entity';

const USERNAME_KEY_UNIQUE = 'users_username_key_unique';
const UNIQUE_VIOLATION = '23505';

export type NewUser = Omit<UserEntity, 'deactivatedAt'>;
export type NewSession = Pick<SessionEntity, 'id' | 'userId' | 'userAgent' | 'createdAt'>;

@Injectable()
export class AccountsRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findByUsernameKey(usernameKey: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ usernameKey });
  }

  /**
   * User and first session in one transaction. A concurrent registration of the same name that
   * got past the service's early check loses here, on the unique key.
   */
  async createUserWithSession(user: NewUser, session: NewSession): Promise<UserEntity | 'username_taken'> {
    const entity = this.users.create({ ...user, deactivatedAt: null });
    try {
      await this.users.manager.transaction(async (em) => {
        await em.insert(UserEntity, entity);
        await em.insert(SessionEntity, this.sessionEntity(session));
      });
    } catch (err) {
      if (isUniqueViolation(err, USERNAME_KEY_UNIQUE)) return 'username_taken';
      throw err;
    }
    return entity;
  }

  async createSession(session: NewSession): Promise<void> {
    await this.users.manager.insert(SessionEntity, this.sessionEntity(session));
  }

  async updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.users.update({ id: userId }, { passwordHash });
  }

  private sessionEntity(s: NewSession): SessionEntity {
    return this.users.manager.create(SessionEntity, { ...s, lastSeenAt: s.createdAt, revokedAt: null });
  }
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driverError = err.driverError as Partial<DatabaseError>;
  return driverError.code === UNIQUE_VIOLATION && driverError.constraint === constraint;
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from '../accounts/entities/user.entity';
import { likePrefix } from '../profiles/profiles.repository';
import { RevokedSession, SessionsRepository } from '../sessions/sessions.repository';

@Injectable()
export class AdminRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly sessions: SessionsRepository,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** Every account (guests and deactivated too), in id (= creation) order, after `afterId`. */
  list(options: { prefixKey?: string; afterId?: string; limit: number }): Promise<UserEntity[]> {
    const qb = this.users.createQueryBuilder('u').orderBy('u.id', 'ASC').limit(options.limit);
    if (options.afterId) qb.andWhere('u.id > :afterId', { afterId: options.afterId });
    if (options.prefixKey) {
      qb.andWhere('(u.usernameKey LIKE :p OR u.displayNameKey LIKE :p)', {
        p: likePrefix(options.prefixKey),
      });
    }
    return qb.getMany();
  }

  /** Deactivate and revoke every session together: no moment where the account is off but a session works. */
  deactivate(userId: string): Promise<{ user: UserEntity; revoked: RevokedSession[] } | null> {
    return this.users.manager.transaction(async (em) => {
      await em
        .createQueryBuilder()
        .update(UserEntity)
        .set({ deactivatedAt: () => 'now()' })
        .where('id = :userId AND deactivated_at IS NULL', { userId })
        .execute();
      const user = await em.findOneBy(UserEntity, { id: userId });
      if (!user) return null;
      const revoked = await this.sessions.revokeAllOfUser(userId, 'deactivated', { em });
      return { user, revoked };
    });
  }

  async reactivate(userId: string): Promise<UserEntity | null> {
    await this.users.update({ id: userId }, { deactivatedAt: null });
    return this.users.findOneBy({ id: userId });
  }
}

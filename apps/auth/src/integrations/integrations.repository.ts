import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, QueryFailedError, Repository } from 'typeorm';
import { UserEntity } from '../accounts/entities/user.entity';
import { IntegrationEntity } from './entities/integration.entity';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class IntegrationsRepository {
  constructor(
    @InjectRepository(IntegrationEntity) private readonly integrations: Repository<IntegrationEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  findUser(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  find(id: string): Promise<IntegrationEntity | null> {
    return this.integrations.findOneBy({ id });
  }

  list(): Promise<IntegrationEntity[]> {
    return this.integrations.find({ order: { createdAt: 'ASC' } });
  }

  listLive(): Promise<IntegrationEntity[]> {
    return this.integrations.find({ where: { revokedAt: IsNull() }, order: { nameKey: 'ASC' } });
  }

  /** The bot's account and its integration record together; 'name_taken' when a live one has the name. */
  async create(user: UserEntity, integration: IntegrationEntity): Promise<'name_taken' | 'ok'> {
    try {
      await this.integrations.manager.transaction(async (em) => {
        await em.insert(UserEntity, user);
        await em.insert(IntegrationEntity, integration);
      });
      return 'ok';
    } catch (err) {
      if (
        err instanceof QueryFailedError &&
        (err.driverError as { code?: string }).code === UNIQUE_VIOLATION
      ) {
        return 'name_taken';
      }
      throw err;
    }
  }

  /** Undo a create whose broker user could not be made. */
  async deleteCreated(id: string): Promise<void> {
    await this.users.delete({ id });
  }

  async markRotated(id: string, at: Date): Promise<void> {
    await this.integrations.update({ id }, { credentialsIssuedAt: at });
  }

  /** Revoked and its account deactivated together; null when it was already revoked. */
  async revoke(id: string, at: Date): Promise<IntegrationEntity | null> {
    return this.integrations.manager.transaction(async (em) => {
      const result = await em.update(IntegrationEntity, { id, revokedAt: IsNull() }, { revokedAt: at });
      if (!result.affected) return null;
      await em.update(UserEntity, { id }, { deactivatedAt: at });
      return em.findOneByOrFail(IntegrationEntity, { id });
    });
  }
}

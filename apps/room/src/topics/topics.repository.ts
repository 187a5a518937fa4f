import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import type { TopicProposalStatus } from '@app/contracts';
import { TopicProposalEntity } from './entities/topic-proposal.entity';

@Injectable()
export class TopicsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertProposal(p: TopicProposalEntity): Promise<void> {
    await this.dataSource.manager.insert(TopicProposalEntity, p);
  }

  /** Newest first; everyone's (admins) or one proposer's. */
  listProposals(filter: {
    proposerId?: string;
    status?: TopicProposalStatus;
  }): Promise<TopicProposalEntity[]> {
    const where: FindOptionsWhere<TopicProposalEntity> = {};
    if (filter.proposerId) where.proposerId = filter.proposerId;
    if (filter.status) where.status = filter.status;
    return this.dataSource.manager.find(TopicProposalEntity, { where, order: { id: 'DESC' }, take: 200 });
  }

  lockProposal(manager: EntityManager, id: string): Promise<TopicProposalEntity | null> {
    return manager
      .createQueryBuilder(TopicProposalEntity, 'p')
      .where('p.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  async saveDecision(manager: EntityManager, p: TopicProposalEntity): Promise<void> {
    await manager.update(
      TopicProposalEntity,
      { id: p.id },
      {
        status: p.status,
        reason: p.reason,
        decidedBy: p.decidedBy,
        decidedAt: p.decidedAt,
        roomId: p.roomId,
      },
    );
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BlockEntity } from './entities/block.entity';
import { FriendshipEntity } from './entities/friendship.entity';

export function orderedPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

/** The pair's writes, inside a transaction that holds the pair's lock. */
export class FriendsTransaction {
  constructor(readonly manager: EntityManager) {}

  /**
   * Serialise everything about one pair (two requests crossing, a block racing an accept):
   * a transaction-scoped advisory lock on the pair, since the row may not exist yet.
   */
  async lockPair(a: string, b: string): Promise<void> {
    const [low, high] = orderedPair(a, b);
    await this.manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `friends:${low}:${high}`,
    ]);
  }

  findFriendship(a: string, b: string): Promise<FriendshipEntity | null> {
    const [userLow, userHigh] = orderedPair(a, b);
    return this.manager.findOneBy(FriendshipEntity, { userLow, userHigh });
  }

  async saveFriendship(f: FriendshipEntity): Promise<void> {
    await this.manager.upsert(FriendshipEntity, f, ['userLow', 'userHigh']);
  }

  async deleteFriendship(a: string, b: string): Promise<void> {
    const [userLow, userHigh] = orderedPair(a, b);
    await this.manager.delete(FriendshipEntity, { userLow, userHigh });
  }

  /** Whether either blocked the other. */
  async blockedEitherWay(a: string, b: string): Promise<boolean> {
    const n = await this.manager.count(BlockEntity, {
      where: [
        { blockerId: a, blockedId: b },
        { blockerId: b, blockedId: a },
      ],
    });
    return n > 0;
  }

  async insertBlock(block: BlockEntity): Promise<void> {
    await this.manager.createQueryBuilder().insert().into(BlockEntity).values(block).orIgnore().execute();
  }

  async deleteBlock(blockerId: string, blockedId: string): Promise<boolean> {
    const result = await this.manager.delete(BlockEntity, { blockerId, blockedId });
    return (result.affected ?? 0) > 0;
  }
}

@Injectable()
export class FriendsRepository {
  constructor(private readonly dataSource: DataSource) {}

  within(manager: EntityManager): FriendsTransaction {
    return new FriendsTransaction(manager);
  }

  listFriendships(userId: string): Promise<FriendshipEntity[]> {
    return this.dataSource.manager.find(FriendshipEntity, {
      where: [{ userLow: userId }, { userHigh: userId }],
      order: { createdAt: 'DESC' },
    });
  }

  listBlocks(blockerId: string): Promise<BlockEntity[]> {
    return this.dataSource.manager.find(BlockEntity, { where: { blockerId }, order: { createdAt: 'DESC' } });
  }
}

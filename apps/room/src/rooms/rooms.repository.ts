import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MembershipEntity } from './entities/membership.entity';
import { RoomEntity } from './entities/room.entity';

/** The writes that must commit together, bound to one open transaction. */
export class RoomsTransaction {
  constructor(private readonly manager: EntityManager) {}

  /** The room row, locked until commit: joins to one room queue here, so the cap holds. */
  lockRoom(roomId: string): Promise<RoomEntity | null> {
    return this.manager
      .createQueryBuilder(RoomEntity, 'r')
      .where('r.id = :roomId', { roomId })
      .setLock('pessimistic_write')
      .getOne();
  }

  findMembership(roomId: string, userId: string): Promise<MembershipEntity | null> {
    return this.manager.findOneBy(MembershipEntity, { roomId, userId });
  }

  async insertRoom(room: RoomEntity): Promise<void> {
    await this.manager.insert(RoomEntity, room);
  }

  async insertMembership(membership: MembershipEntity): Promise<void> {
    await this.manager.insert(MembershipEntity, membership);
  }

  async incrementMemberCount(roomId: string): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .update(RoomEntity)
      .set({ memberCount: () => 'member_count + 1' })
      .where('id = :roomId', { roomId })
      .execute();
  }
}

@Injectable()
export class RoomsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Run `work` in one transaction; throwing rolls it back. */
  transaction<T>(work: (tx: RoomsTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new RoomsTransaction(manager)));
  }

  findRoom(roomId: string): Promise<RoomEntity | null> {
    return this.dataSource.manager.findOneBy(RoomEntity, { id: roomId });
  }

  async roomExists(roomId: string): Promise<boolean> {
    return this.dataSource.manager.existsBy(RoomEntity, { id: roomId });
  }

  /** A primary-key lookup: this guards every message operation. */
  findMembership(roomId: string, userId: string): Promise<MembershipEntity | null> {
    return this.dataSource.manager.findOneBy(MembershipEntity, { roomId, userId });
  }

  listMembers(roomId: string): Promise<MembershipEntity[]> {
    return this.dataSource.manager.find(MembershipEntity, {
      where: { roomId },
      order: { joinedAt: 'ASC', userId: 'ASC' },
    });
  }

  /** The user's memberships with their rooms, the most recently joined first. */
  async listMembershipsWithRooms(userId: string): Promise<Array<MembershipEntity & { room: RoomEntity }>> {
    const rows = await this.dataSource.manager.find(MembershipEntity, {
      where: { userId },
      relations: { room: true },
      order: { joinedAt: 'DESC', roomId: 'DESC' },
    });
    return rows.filter((m): m is MembershipEntity & { room: RoomEntity } => !!m.room);
  }

  async listRoomIds(userId: string): Promise<string[]> {
    const rows = await this.dataSource.manager.find(MembershipEntity, {
      select: { roomId: true },
      where: { userId },
      order: { joinedAt: 'ASC', roomId: 'ASC' },
    });
    return rows.map((m) => m.roomId);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { ReadPositionEntity } from './entities/read-position.entity';

@Injectable()
export class ReadsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Move a read position forward, never back, in one statement. Returns the row and whether it
   * moved, so only real progress is announced.
   */
  async advance(
    roomId: string,
    userId: string,
    seq: number,
  ): Promise<{ position: ReadPositionEntity; advanced: boolean }> {
    const moved = (await this.ds.query(
      `INSERT INTO "room"."read_positions" AS rp ("room_id", "user_id", "last_read_seq", "updated_at")
       VALUES ($1, $2, $3, now())
       ON CONFLICT ("room_id", "user_id") DO UPDATE
         SET "last_read_seq" = EXCLUDED."last_read_seq", "updated_at" = EXCLUDED."updated_at"
         WHERE rp."last_read_seq" < EXCLUDED."last_read_seq"
       RETURNING "last_read_seq", "updated_at"`,
      [roomId, userId, seq],
    )) as Array<{ last_read_seq: string; updated_at: Date }>;
    if (moved.length > 0) {
      return {
        position: {
          roomId,
          userId,
          lastReadSeq: Number(moved[0].last_read_seq),
          updatedAt: moved[0].updated_at,
        },
        advanced: true,
      };
    }
    const current = await this.ds.getRepository(ReadPositionEntity).findOneByOrFail({ roomId, userId });
    return { position: current, advanced: false };
  }

  async forMembers(roomId: string, userIds: string[]): Promise<ReadPositionEntity[]> {
    if (userIds.length === 0) return [];
    return this.ds.getRepository(ReadPositionEntity).findBy({ roomId, userId: In(userIds) });
  }
}

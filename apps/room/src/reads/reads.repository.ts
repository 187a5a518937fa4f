import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { queryPrepared, TurnBatch } from '@app/common';
import { ReadPositionEntity } from './entities/read-position.entity';

/** `updatedAt` null: a member who has read nothing yet (position 0). */
export interface MemberPosition {
  lastReadSeq: number;
  updatedAt: Date | null;
  /** Whether a bot is in the room: only then does anyone hear its events on `happychat.room.events`. */
  roomHasIntegrations: boolean;
}

@Injectable()
export class ReadsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Move a read position forward, never back. Returns the row and whether this call moved it, so
   * only real progress is announced. The reads of one turn share one prepared statement (the
   * senders' one): a burst of reads, one statement each, held the pool's connections while the
   * sends of the same moment waited for one.
   */
  async advance(
    roomId: string,
    userId: string,
    seq: number,
  ): Promise<{ position: ReadPositionEntity; advanced: boolean }> {
    const moved = await this.reads.ask({ roomId, userId, seq });
    // Moved by a higher read of the same turn: that one announces it.
    if (moved) return { position: moved, advanced: moved.lastReadSeq === seq };
    // Someone got there first (another device, a send).
    const current = await this.ds.getRepository(ReadPositionEntity).findOneByOrFail({ roomId, userId });
    return { position: current, advanced: false };
  }

  private readonly reads = new TurnBatch<
    { roomId: string; userId: string; seq: number },
    ReadPositionEntity | undefined
  >(async (asked) => {
    const moved = await this.advanceNewest(asked);
    return asked.map((a) => moved.get(positionKey(a)));
  });

  /**
   * The sender of a message has read the room up to it (as in Slack or Discord: writing in a room
   * marks it read). Runs for every message sent, so the messages of one turn share one prepared
   * statement (the same as `advance`'s); a sender's several messages in a room come down to the
   * newest, as the statement takes each row once.
   */
  advanceForSender(roomId: string, userId: string, seq: number): Promise<void> {
    return this.sent.ask({ roomId, userId, seq });
  }

  private readonly sent = new TurnBatch<{ roomId: string; userId: string; seq: number }, void>(
    async (asked) => {
      await this.advanceNewest(asked);
      return asked.map(() => undefined);
    },
  );

  /**
   * One statement for many advances; a (room, user) asked several times goes to the highest seq,
   * as the statement takes each row once. Returns the rows that moved, by positionKey.
   */
  private async advanceNewest(
    asked: Array<{ roomId: string; userId: string; seq: number }>,
  ): Promise<Map<string, ReadPositionEntity>> {
    const newest = new Map<string, { roomId: string; userId: string; seq: number }>();
    for (const a of asked) {
      const key = positionKey(a);
      const held = newest.get(key);
      if (!held || held.seq < a.seq) newest.set(key, a);
    }
    const rows = [...newest.values()];
    const moved = await queryPrepared<{
      room_id: string;
      user_id: string;
      last_read_seq: string;
      updated_at: Date;
    }>(this.ds, 'room_reads_advance', ADVANCE_SQL, [
      rows.map((r) => r.roomId),
      rows.map((r) => r.userId),
      rows.map((r) => r.seq),
    ]);
    return new Map(
      moved.map((m) => [
        positionKey({ roomId: m.room_id, userId: m.user_id }),
        {
          roomId: m.room_id,
          userId: m.user_id,
          lastReadSeq: Number(m.last_read_seq),
          updatedAt: m.updated_at,
        },
      ]),
    );
  }

  /**
   * A member's read position, or null for someone who is not a member: the guard and the
   * lookup of every `read` frame in one prepared statement, shared by the frames of one turn
   * (each reader watching a busy room sends one every few seconds).
   */
  memberPosition(roomId: string, userId: string): Promise<MemberPosition | null> {
    return this.members.ask({ roomId, userId });
  }

  private readonly members = new TurnBatch<{ roomId: string; userId: string }, MemberPosition | null>(
    async (asked) => {
      const rows = await queryPrepared<{
        ord: string;
        last_read_seq: string | null;
        updated_at: Date | null;
        room_has_integrations: boolean;
      }>(this.ds, 'room_reads_member_positions', MEMBER_POSITIONS_SQL, [
        asked.map((a) => a.roomId),
        asked.map((a) => a.userId),
      ]);
      const found: Array<MemberPosition | null> = asked.map(() => null);
      for (const r of rows)
        found[Number(r.ord) - 1] = {
          lastReadSeq: r.last_read_seq === null ? 0 : Number(r.last_read_seq),
          updatedAt: r.updated_at,
          roomHasIntegrations: r.room_has_integrations,
        };
      return found;
    },
  );

  async forMembers(roomId: string, userIds: string[]): Promise<ReadPositionEntity[]> {
    if (userIds.length === 0) return [];
    return this.ds.getRepository(ReadPositionEntity).findBy({ roomId, userId: In(userIds) });
  }
}

/**
 * Read positions forward, never back: one row per (room, user), in key order so that two
 * statements never wait on each other in a circle. Returns the rows that moved.
 */
const ADVANCE_SQL = `
  INSERT INTO "room"."read_positions" AS rp ("room_id", "user_id", "last_read_seq", "updated_at")
  SELECT s."room_id", s."user_id", s."seq", now()
    FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS s ("room_id", "user_id", "seq")
   ORDER BY s."room_id", s."user_id"
  ON CONFLICT ("room_id", "user_id") DO UPDATE
    SET "last_read_seq" = EXCLUDED."last_read_seq", "updated_at" = EXCLUDED."updated_at"
    WHERE rp."last_read_seq" < EXCLUDED."last_read_seq"
  RETURNING rp."room_id", rp."user_id", rp."last_read_seq", rp."updated_at"`;

function positionKey(p: { roomId: string; userId: string }): string {
  return `${p.roomId.toLowerCase()}/${p.userId.toLowerCase()}`;
}

const MEMBER_POSITIONS_SQL = `
  SELECT q."ord", rp."last_read_seq", rp."updated_at",
         EXISTS (SELECT 1 FROM "room"."memberships" b
                  WHERE b."room_id" = q."room_id" AND b."bot") AS "room_has_integrations"
    FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS q ("room_id", "user_id", "ord")
    JOIN "room"."memberships" m ON m."room_id" = q."room_id" AND m."user_id" = q."user_id"
    LEFT JOIN "room"."read_positions" rp ON rp."room_id" = q."room_id" AND rp."user_id" = q."user_id"`;

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AttachmentEntity } from './entities/attachment.entity';

export type NewAttachment = Omit<AttachmentEntity, 'createdAt' | 'claimedBy' | 'claimedAt'>;

/** What a claim found for one of the ids asked. */
export type ClaimOutcome =
  | { ok: true; attachments: AttachmentEntity[]; newlyClaimed: string[] }
  | { ok: false; reason: 'not_found' | 'in_use'; id: string };

@Injectable()
export class AttachmentsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(row: NewAttachment): Promise<AttachmentEntity> {
    const [stored] = (await this.ds.query(
      `INSERT INTO "room"."attachments"
         ("id", "room_id", "uploader_id", "name", "content_type", "size", "width", "height", "data")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       RETURNING "created_at"`,
      [
        row.id,
        row.roomId,
        row.uploaderId,
        row.name,
        row.contentType,
        row.size,
        row.width,
        row.height,
        row.data,
      ],
    )) as Array<{ created_at: Date }>;
    return { ...row, createdAt: stored.created_at, claimedBy: null, claimedAt: null };
  }

  /** Metadata only (not the bytes). */
  findMeta(id: string): Promise<AttachmentEntity | null> {
    return this.ds.getRepository(AttachmentEntity).findOneBy({ id });
  }

  async findData(id: string): Promise<Buffer | null> {
    const rows = (await this.ds.query(`SELECT "data" FROM "room"."attachments" WHERE "id" = $1`, [
      id,
    ])) as Array<{
      data: Buffer;
    }>;
    return rows[0]?.data ?? null;
  }

  /**
   * Claim every id for the uploader's message `clientMsgId`, or none: each must exist, be the
   * uploader's, be in `roomId`, and be unclaimed or already claimed by this same message (a retry).
   * The rows are locked for the check, so two sends racing for one image cannot both win.
   */
  claim(roomId: string, uploaderId: string, clientMsgId: string, ids: string[]): Promise<ClaimOutcome> {
    return this.ds.transaction(async (m: EntityManager) => {
      const rows = await m
        .getRepository(AttachmentEntity)
        .createQueryBuilder('a')
        .where('a.id IN (:...ids)', { ids })
        .setLock('pessimistic_write')
        .getMany();
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of ids) {
        const row = byId.get(id);
        if (!row || row.roomId !== roomId || row.uploaderId !== uploaderId) {
          return { ok: false as const, reason: 'not_found' as const, id };
        }
        if (row.claimedBy !== null && row.claimedBy !== clientMsgId) {
          return { ok: false as const, reason: 'in_use' as const, id };
        }
      }
      await m.query(
        `UPDATE "room"."attachments" SET "claimed_by" = $1, "claimed_at" = COALESCE("claimed_at", now())
          WHERE "id" = ANY($2::uuid[])`,
        [clientMsgId, ids],
      );
      const claimed = ids.map((id) => byId.get(id) as AttachmentEntity);
      const newlyClaimed = claimed.filter((a) => a.claimedBy === null).map((a) => a.id);
      return { ok: true as const, attachments: claimed, newlyClaimed };
    });
  }

  /** Give a claim back (the message was refused), unless it was never ours. */
  async release(uploaderId: string, clientMsgId: string, ids: string[]): Promise<void> {
    await this.ds.query(
      `UPDATE "room"."attachments" SET "claimed_by" = NULL, "claimed_at" = NULL
        WHERE "id" = ANY($1::uuid[]) AND "uploader_id" = $2 AND "claimed_by" = $3`,
      [ids, uploaderId, clientMsgId],
    );
  }

  /** The images of a message that was deleted go with it. */
  async deleteClaimed(roomId: string, uploaderId: string, clientMsgId: string): Promise<number> {
    const [, count] = (await this.ds.query(
      `DELETE FROM "room"."attachments" WHERE "room_id" = $1 AND "uploader_id" = $2 AND "claimed_by" = $3`,
      [roomId, uploaderId, clientMsgId],
    )) as [unknown, number];
    return count;
  }

  async deleteUnclaimedBefore(cutoff: Date): Promise<number> {
    const [, count] = (await this.ds.query(
      `DELETE FROM "room"."attachments" WHERE "claimed_by" IS NULL AND "created_at" < $1`,
      [cutoff],
    )) as [unknown, number];
    return count;
  }
}

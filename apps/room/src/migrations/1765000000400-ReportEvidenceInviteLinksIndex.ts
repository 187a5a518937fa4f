import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports keep what was reported (sender and an excerpt), so reviewers outside the room, and
 * after an edit or delete, see the evidence; and a room's live invite links are one index scan.
 */
export class ReportEvidenceInviteLinksIndex1765000000400 implements MigrationInterface {
  name = 'ReportEvidenceInviteLinksIndex1765000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "room"."reports" ADD COLUMN "message_sender_id" uuid NULL`);
    await q.query(`ALTER TABLE "room"."reports" ADD COLUMN "message_excerpt" text NULL`);
    await q.query(
      `CREATE INDEX "invite_links_room_live_idx" ON "room"."invite_links" ("room_id", "created_at" DESC)
         WHERE "revoked_at" IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "room"."invite_links_room_live_idx"`);
    await q.query(`ALTER TABLE "room"."reports" DROP COLUMN "message_excerpt"`);
    await q.query(`ALTER TABLE "room"."reports" DROP COLUMN "message_sender_id"`);
  }
}

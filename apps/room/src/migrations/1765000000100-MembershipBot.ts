import { MigrationInterface, QueryRunner } from 'typeorm';

/** Members that are integrations (bots), so clients can mark them. */
export class MembershipBot1765000000100 implements MigrationInterface {
  name = 'MembershipBot1765000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "room"."memberships" ADD COLUMN "bot" boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "room"."memberships" DROP COLUMN "bot"`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** The room setting that hides what was said before a member joined (`joined`). */
export class HistoryVisibility1732700000000 implements MigrationInterface {
  name = 'HistoryVisibility1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "room"."rooms"
        ADD COLUMN "history_visibility" text NOT NULL DEFAULT 'shared'
          CONSTRAINT "rooms_history_visibility_check" CHECK ("history_visibility" IN ('shared', 'joined'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "room"."rooms" DROP COLUMN "history_visibility"`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** The site-wide report queue pages every room's reports by status, newest first. */
export class ReportsSiteWide1765000000300 implements MigrationInterface {
  name = 'ReportsSiteWide1765000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "reports_status_id_idx" ON "room"."reports" ("status", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "room"."reports_status_id_idx"`);
  }
}

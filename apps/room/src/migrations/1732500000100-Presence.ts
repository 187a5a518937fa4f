import { MigrationInterface, QueryRunner } from 'typeorm';

export class Presence1732500000100 implements MigrationInterface {
  name = 'Presence1732500000100';

  async up(q: QueryRunner): Promise<void> {
    // One row per user per gateway they are connected to, alive until expires_at.
    await q.query(`
      CREATE TABLE "room"."presence_sessions" (
        "user_id" uuid NOT NULL,
        "gateway_id" text NOT NULL,
        "status" text NOT NULL CHECK ("status" IN ('online', 'away')),
        "expires_at" timestamptz NOT NULL,
        PRIMARY KEY ("user_id", "gateway_id")
      )`);
    await q.query(
      `CREATE INDEX "presence_sessions_expires_idx" ON "room"."presence_sessions" ("expires_at")`,
    );
    await q.query(
      `CREATE INDEX "presence_sessions_gateway_idx" ON "room"."presence_sessions" ("gateway_id")`,
    );
    // The aggregate last announced, so only real changes are published.
    await q.query(`
      CREATE TABLE "room"."presence_users" (
        "user_id" uuid PRIMARY KEY,
        "status" text NOT NULL CHECK ("status" IN ('online', 'away', 'offline')),
        "last_seen_at" timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "room"."presence_users"`);
    await q.query(`DROP TABLE "room"."presence_sessions"`);
  }
}

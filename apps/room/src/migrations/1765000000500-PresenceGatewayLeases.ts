import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A session lives as long as its gateway's lease, not its own expiry. With an expiry per session,
 * every full report had to rewrite every row it named: 10,000 connected users cost PostgreSQL
 * about a second of CPU per report. Now a report renews one lease row, and a full report writes
 * only the sessions that differ from what is stored.
 */
export class PresenceGatewayLeases1765000000500 implements MigrationInterface {
  name = 'PresenceGatewayLeases1765000000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "room"."presence_gateways" (
        "gateway_id" text PRIMARY KEY,
        "expires_at" timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX "presence_gateways_expires_idx" ON "room"."presence_gateways" ("expires_at")`,
    );
    await q.query(`
      INSERT INTO "room"."presence_gateways" ("gateway_id", "expires_at")
      SELECT "gateway_id", max("expires_at") FROM "room"."presence_sessions" GROUP BY "gateway_id"`);
    await q.query(`DROP INDEX "room"."presence_sessions_expires_idx"`);
    await q.query(`ALTER TABLE "room"."presence_sessions" DROP COLUMN "expires_at"`);
    await q.query(`
      ALTER TABLE "room"."presence_sessions" ADD CONSTRAINT "presence_sessions_gateway_fk"
        FOREIGN KEY ("gateway_id") REFERENCES "room"."presence_gateways" ("gateway_id") ON DELETE CASCADE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "room"."presence_sessions" DROP CONSTRAINT "presence_sessions_gateway_fk"`);
    await q.query(`ALTER TABLE "room"."presence_sessions" ADD COLUMN "expires_at" timestamptz`);
    await q.query(`
      UPDATE "room"."presence_sessions" s SET "expires_at" = g."expires_at"
        FROM "room"."presence_gateways" g WHERE g."gateway_id" = s."gateway_id"`);
    await q.query(`ALTER TABLE "room"."presence_sessions" ALTER COLUMN "expires_at" SET NOT NULL`);
    await q.query(
      `CREATE INDEX "presence_sessions_expires_idx" ON "room"."presence_sessions" ("expires_at")`,
    );
    await q.query(`DROP TABLE "room"."presence_gateways"`);
  }
}

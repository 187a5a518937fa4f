import { MigrationInterface, QueryRunner } from 'typeorm';

/** Integration (bot) accounts: a user row with role `bot`, plus who made it and its broker user. */
export class AuthIntegrations1765000000000 implements MigrationInterface {
  name = 'AuthIntegrations1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "auth"."users" DROP CONSTRAINT "users_role_check"`);
    await q.query(
      `ALTER TABLE "auth"."users" ADD CONSTRAINT "users_role_check" CHECK ("role" IN ('user', 'admin', 'guest', 'bot'))`,
    );
    await q.query(`
      CREATE TABLE "auth"."integrations" (
        "id" uuid PRIMARY KEY REFERENCES "auth"."users" ("id") ON DELETE CASCADE,
        "name" text NOT NULL,
        "name_key" text NOT NULL,
        "broker_username" text NOT NULL UNIQUE,
        "created_by" uuid NOT NULL,
        "created_at" timestamptz NOT NULL,
        "credentials_issued_at" timestamptz NOT NULL,
        "revoked_at" timestamptz NULL
      )`);
    // Two live bots with one name would be indistinguishable in a room.
    await q.query(
      `CREATE UNIQUE INDEX "integrations_live_name_key" ON "auth"."integrations" ("name_key") WHERE "revoked_at" IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "auth"."integrations"`);
    await q.query(`DELETE FROM "auth"."users" WHERE "role" = 'bot'`);
    await q.query(`ALTER TABLE "auth"."users" DROP CONSTRAINT "users_role_check"`);
    await q.query(
      `ALTER TABLE "auth"."users" ADD CONSTRAINT "users_role_check" CHECK ("role" IN ('user', 'admin', 'guest'))`,
    );
  }
}

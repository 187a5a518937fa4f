import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuthInit1732400000000 implements MigrationInterface {
  name = 'AuthInit1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "auth"`);
    await q.query(`
      CREATE TABLE "auth"."users" (
        "id" uuid PRIMARY KEY,
        "username" text NOT NULL,
        "username_key" text NOT NULL,
        "display_name" text NOT NULL,
        "password_hash" text NOT NULL,
        "role" text NOT NULL DEFAULT 'user',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "deactivated_at" timestamptz NULL,
        CONSTRAINT "users_username_key_unique" UNIQUE ("username_key"),
        CONSTRAINT "users_role_check" CHECK ("role" IN ('user', 'admin', 'guest'))
      )`);
    await q.query(`
      CREATE TABLE "auth"."sessions" (
        "id" uuid PRIMARY KEY,
        "user_id" uuid NOT NULL REFERENCES "auth"."users" ("id") ON DELETE CASCADE,
        "user_agent" text NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_seen_at" timestamptz NOT NULL DEFAULT now(),
        "revoked_at" timestamptz NULL
      )`);
    await q.query(`CREATE INDEX "sessions_user_id_idx" ON "auth"."sessions" ("user_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "auth"."sessions"`);
    await q.query(`DROP TABLE IF EXISTS "auth"."users"`);
  }
}

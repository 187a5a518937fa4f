import { MigrationInterface, QueryRunner } from 'typeorm';

const nfkcKey = (name: string): string => name.normalize('NFKC').toLowerCase().normalize('NFKC');

/**
 * Refresh tokens (rotated, reuse detected per session), session expiry, profiles (status text,
 * avatars), login throttling, and the indexes user search uses.
 */
export class AuthSessionsProfiles1733100000001 implements MigrationInterface {
  name = 'AuthSessionsProfiles1733100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "auth"."users" ADD COLUMN "status_text" text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE "auth"."users" ADD COLUMN "display_name_key" text NULL`);
    const rows = (await q.query(`SELECT "id", "display_name" FROM "auth"."users"`)) as Array<{
      id: string;
      display_name: string;
    }>;
    if (rows.length > 0) {
      await q.query(
        `UPDATE "auth"."users" AS u SET "display_name_key" = v.key
           FROM unnest($1::uuid[], $2::text[]) AS v(id, key) WHERE u."id" = v.id`,
        [rows.map((r) => r.id), rows.map((r) => nfkcKey(r.display_name))],
      );
    }
    await q.query(`ALTER TABLE "auth"."users" ALTER COLUMN "display_name_key" SET NOT NULL`);
    // Prefix search (LIKE 'abc%') over the people search may find: not guests, not deactivated.
    await q.query(
      `CREATE INDEX "users_username_key_prefix_idx" ON "auth"."users" ("username_key" text_pattern_ops)
         WHERE "role" <> 'guest' AND "deactivated_at" IS NULL`,
    );
    await q.query(
      `CREATE INDEX "users_display_name_key_prefix_idx" ON "auth"."users" ("display_name_key" text_pattern_ops)
         WHERE "role" <> 'guest' AND "deactivated_at" IS NULL`,
    );

    // Sessions opened before refresh tokens existed had day-long access tokens and nothing else.
    await q.query(
      `ALTER TABLE "auth"."sessions" ADD COLUMN "expires_at" timestamptz NOT NULL DEFAULT now() + interval '1 day'`,
    );
    await q.query(`ALTER TABLE "auth"."sessions" ALTER COLUMN "expires_at" DROP DEFAULT`);
    await q.query(`ALTER TABLE "auth"."sessions" ADD COLUMN "revoked_reason" text NULL`);

    await q.query(`
      CREATE TABLE "auth"."refresh_tokens" (
        "token_hash" bytea PRIMARY KEY,
        "session_id" uuid NOT NULL REFERENCES "auth"."sessions" ("id") ON DELETE CASCADE,
        "created_at" timestamptz NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "rotated_at" timestamptz NULL,
        CONSTRAINT "refresh_tokens_hash_length" CHECK (octet_length("token_hash") = 32)
      )`);
    await q.query(`CREATE INDEX "refresh_tokens_session_id_idx" ON "auth"."refresh_tokens" ("session_id")`);
    await q.query(`CREATE INDEX "refresh_tokens_expires_at_idx" ON "auth"."refresh_tokens" ("expires_at")`);

    await q.query(`
      CREATE TABLE "auth"."avatars" (
        "user_id" uuid PRIMARY KEY REFERENCES "auth"."users" ("id") ON DELETE CASCADE,
        "content_type" text NOT NULL,
        "data" bytea NOT NULL,
        "etag" text NOT NULL,
        "updated_at" timestamptz NOT NULL,
        CONSTRAINT "avatars_content_type_check" CHECK ("content_type" IN ('image/png', 'image/jpeg', 'image/webp'))
      )`);

    await q.query(`
      CREATE TABLE "auth"."throttle_events" (
        "id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        "scope" text NOT NULL,
        "key" text NOT NULL,
        "at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX "throttle_events_scope_key_at_idx" ON "auth"."throttle_events" ("scope", "key", "at")`,
    );
    await q.query(`CREATE INDEX "throttle_events_at_idx" ON "auth"."throttle_events" ("at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "auth"."throttle_events"`);
    await q.query(`DROP TABLE IF EXISTS "auth"."avatars"`);
    await q.query(`DROP TABLE IF EXISTS "auth"."refresh_tokens"`);
    await q.query(`ALTER TABLE "auth"."sessions" DROP COLUMN IF EXISTS "revoked_reason"`);
    await q.query(`ALTER TABLE "auth"."sessions" DROP COLUMN IF EXISTS "expires_at"`);
    await q.query(`DROP INDEX IF EXISTS "auth"."users_display_name_key_prefix_idx"`);
    await q.query(`DROP INDEX IF EXISTS "auth"."users_username_key_prefix_idx"`);
    await q.query(`ALTER TABLE "auth"."users" DROP COLUMN IF EXISTS "display_name_key"`);
    await q.query(`ALTER TABLE "auth"."users" DROP COLUMN IF EXISTS "status_text"`);
  }
}

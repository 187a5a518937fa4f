import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Group, direct and topic rooms in full: settings, images, invites and invite links, bans, mutes,
 * reports, the moderation audit log, friends and blocks, topic proposals, and the outbox that
 * keeps the broker's inbox bindings in step with memberships.
 */
export class RoomsInFull1732600000000 implements MigrationInterface {
  name = 'RoomsInFull1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "room"."rooms"
        ADD COLUMN "slow_mode_seconds" integer NOT NULL DEFAULT 0
          CONSTRAINT "rooms_slow_mode_seconds_check" CHECK ("slow_mode_seconds" BETWEEN 0 AND 3600),
        ADD COLUMN "profanity_filter" boolean NOT NULL DEFAULT false,
        ADD COLUMN "member_cap" integer CONSTRAINT "rooms_member_cap_check" CHECK ("member_cap" >= 2),
        ADD COLUMN "description" text,
        ADD COLUMN "last_activity_at" timestamptz,
        ADD COLUMN "image_updated_at" timestamptz,
        ADD COLUMN "direct_key" text CONSTRAINT "rooms_direct_key_key" UNIQUE,
        ADD CONSTRAINT "rooms_direct_key_check" CHECK (("kind" = 'direct') = ("direct_key" IS NOT NULL))`);
    await q.query(
      `CREATE INDEX "rooms_topic_activity_idx" ON "room"."rooms" ("last_activity_at" DESC NULLS LAST) WHERE "kind" = 'topic'`,
    );
    await q.query(`
      ALTER TABLE "room"."memberships"
        ADD COLUMN "muted_until" timestamptz,
        ADD COLUMN "last_posted_at" timestamptz,
        ADD COLUMN "anonymous" boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE "room"."room_images" (
        "room_id" uuid PRIMARY KEY CONSTRAINT "room_images_room_id_fkey" REFERENCES "room"."rooms" ("id") ON DELETE CASCADE,
        "content_type" text NOT NULL CONSTRAINT "room_images_content_type_check" CHECK ("content_type" IN ('image/png', 'image/jpeg', 'image/webp')),
        "data" bytea NOT NULL,
        "updated_at" timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE "room"."invites" (
        "room_id" uuid NOT NULL CONSTRAINT "invites_room_id_fkey" REFERENCES "room"."rooms" ("id") ON DELETE CASCADE,
        "user_id" uuid NOT NULL,
        "invited_by" uuid NOT NULL,
        "invited_by_name" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "invites_pkey" PRIMARY KEY ("room_id", "user_id")
      )`);
    await q.query(`CREATE INDEX "invites_user_id_idx" ON "room"."invites" ("user_id")`);
    await q.query(`
      CREATE TABLE "room"."invite_links" (
        "id" uuid PRIMARY KEY,
        "room_id" uuid NOT NULL CONSTRAINT "invite_links_room_id_fkey" REFERENCES "room"."rooms" ("id") ON DELETE CASCADE,
        "token_hash" text NOT NULL CONSTRAINT "invite_links_token_hash_key" UNIQUE,
        "created_by" uuid NOT NULL,
        "created_at" timestamptz NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "max_uses" integer,
        "uses" integer NOT NULL DEFAULT 0,
        "revoked_at" timestamptz
      )`);
    await q.query(`
      CREATE TABLE "room"."bans" (
        "room_id" uuid NOT NULL CONSTRAINT "bans_room_id_fkey" REFERENCES "room"."rooms" ("id") ON DELETE CASCADE,
        "user_id" uuid NOT NULL,
        "banned_by" uuid NOT NULL,
        "reason" text,
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "bans_pkey" PRIMARY KEY ("room_id", "user_id")
      )`);
    await q.query(`
      CREATE TABLE "room"."reports" (
        "id" uuid PRIMARY KEY,
        "room_id" uuid NOT NULL CONSTRAINT "reports_room_id_fkey" REFERENCES "room"."rooms" ("id") ON DELETE CASCADE,
        "message_id" uuid NOT NULL,
        "reporter_id" uuid NOT NULL,
        "reason" text NOT NULL,
        "status" text NOT NULL CONSTRAINT "reports_status_check" CHECK ("status" IN ('open', 'resolved')),
        "resolution" text CONSTRAINT "reports_resolution_check" CHECK ("resolution" IN ('dismissed', 'actioned')),
        "note" text,
        "resolved_by" uuid,
        "resolved_at" timestamptz,
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "reports_once_per_reporter" UNIQUE ("room_id", "message_id", "reporter_id")
      )`);
    await q.query(`CREATE INDEX "reports_room_status_idx" ON "room"."reports" ("room_id", "status", "id")`);
    await q.query(`
      CREATE TABLE "room"."audit_log" (
        "id" uuid PRIMARY KEY,
        "room_id" uuid NOT NULL,
        "actor_id" uuid NOT NULL,
        "action" text NOT NULL,
        "target_user_id" uuid,
        "target_message_id" uuid,
        "details" jsonb,
        "created_at" timestamptz NOT NULL
      )`);
    // No foreign key: the log outlives what it describes.
    await q.query(`CREATE INDEX "audit_log_room_idx" ON "room"."audit_log" ("room_id", "id" DESC)`);
    await q.query(`
      CREATE TABLE "room"."friendships" (
        "user_low" uuid NOT NULL,
        "user_high" uuid NOT NULL,
        "status" text NOT NULL CONSTRAINT "friendships_status_check" CHECK ("status" IN ('pending', 'accepted')),
        "requested_by" uuid NOT NULL,
        "low_name" text NOT NULL,
        "high_name" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        "accepted_at" timestamptz,
        CONSTRAINT "friendships_pkey" PRIMARY KEY ("user_low", "user_high"),
        CONSTRAINT "friendships_order_check" CHECK ("user_low" < "user_high"),
        CONSTRAINT "friendships_requested_by_check" CHECK ("requested_by" IN ("user_low", "user_high"))
      )`);
    await q.query(`CREATE INDEX "friendships_user_high_idx" ON "room"."friendships" ("user_high")`);
    await q.query(`
      CREATE TABLE "room"."blocks" (
        "blocker_id" uuid NOT NULL,
        "blocked_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "blocks_pkey" PRIMARY KEY ("blocker_id", "blocked_id")
      )`);
    await q.query(`CREATE INDEX "blocks_blocked_id_idx" ON "room"."blocks" ("blocked_id")`);
    await q.query(`
      CREATE TABLE "room"."topic_proposals" (
        "id" uuid PRIMARY KEY,
        "name" text NOT NULL,
        "description" text,
        "proposer_id" uuid NOT NULL,
        "proposer_name" text NOT NULL,
        "status" text NOT NULL CONSTRAINT "topic_proposals_status_check" CHECK ("status" IN ('pending', 'approved', 'rejected')),
        "reason" text,
        "decided_by" uuid,
        "decided_at" timestamptz,
        "room_id" uuid,
        "created_at" timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX "topic_proposals_status_idx" ON "room"."topic_proposals" ("status", "id")`);
    await q.query(
      `CREATE INDEX "topic_proposals_proposer_idx" ON "room"."topic_proposals" ("proposer_id", "id")`,
    );
    // The outbox: broker operations committed with the change they announce, applied in id order
    // per stream. A stream's row in outbox_streams is the lock that lets one relay at a time apply it.
    await q.query(`
      CREATE TABLE "room"."outbox_streams" (
        "stream" text PRIMARY KEY
      )`);
    await q.query(`
      CREATE TABLE "room"."outbox" (
        "id" bigserial PRIMARY KEY,
        "stream" text NOT NULL CONSTRAINT "outbox_stream_fkey" REFERENCES "room"."outbox_streams" ("stream"),
        "op" jsonb NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
        "last_error" text,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "outbox_stream_idx" ON "room"."outbox" ("stream", "id")`);
    await q.query(`CREATE INDEX "outbox_due_idx" ON "room"."outbox" ("next_attempt_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "room"."outbox"`);
    await q.query(`DROP TABLE "room"."outbox_streams"`);
    await q.query(`DROP TABLE "room"."topic_proposals"`);
    await q.query(`DROP TABLE "room"."blocks"`);
    await q.query(`DROP TABLE "room"."friendships"`);
    await q.query(`DROP TABLE "room"."audit_log"`);
    await q.query(`DROP TABLE "room"."reports"`);
    await q.query(`DROP TABLE "room"."bans"`);
    await q.query(`DROP TABLE "room"."invite_links"`);
    await q.query(`DROP TABLE "room"."invites"`);
    await q.query(`DROP TABLE "room"."room_images"`);
    await q.query(`
      ALTER TABLE "room"."memberships"
        DROP COLUMN "muted_until",
        DROP COLUMN "last_posted_at",
        DROP COLUMN "anonymous"`);
    await q.query(`DROP INDEX "room"."rooms_topic_activity_idx"`);
    await q.query(`
      ALTER TABLE "room"."rooms"
        DROP CONSTRAINT "rooms_direct_key_check",
        DROP COLUMN "slow_mode_seconds",
        DROP COLUMN "profanity_filter",
        DROP COLUMN "member_cap",
        DROP COLUMN "description",
        DROP COLUMN "last_activity_at",
        DROP COLUMN "image_updated_at",
        DROP COLUMN "direct_key"`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1732380000000 implements MigrationInterface {
  name = 'Init1732380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "room"."rooms" (
        "id" uuid PRIMARY KEY,
        "kind" text NOT NULL CONSTRAINT "rooms_kind_check" CHECK ("kind" IN ('group', 'direct', 'topic')),
        "name" text NOT NULL,
        "owner_id" uuid NOT NULL,
        "member_count" integer NOT NULL DEFAULT 0 CONSTRAINT "rooms_member_count_check" CHECK ("member_count" >= 0),
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE "room"."memberships" (
        "room_id" uuid NOT NULL CONSTRAINT "memberships_room_id_fkey" REFERENCES "room"."rooms" ("id") ON DELETE CASCADE,
        "user_id" uuid NOT NULL,
        "role" text NOT NULL CONSTRAINT "memberships_role_check" CHECK ("role" IN ('owner', 'admin', 'member')),
        "display_name" text NOT NULL,
        "joined_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "memberships_pkey" PRIMARY KEY ("room_id", "user_id")
      )`);
    await q.query(`CREATE INDEX "memberships_user_id_idx" ON "room"."memberships" ("user_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "room"."memberships"`);
    await q.query(`DROP TABLE "room"."rooms"`);
  }
}

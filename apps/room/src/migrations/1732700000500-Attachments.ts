import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Images uploaded for messages. The bytes live here, with the service that decides who may read
 * them, until the room is deleted; `claimed_by` ties each to the one message that carries it.
 */
export class Attachments1732700000500 implements MigrationInterface {
  name = 'Attachments1732700000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "room"."attachments" (
        "id" uuid PRIMARY KEY,
        "room_id" uuid NOT NULL CONSTRAINT "attachments_room_id_fkey" REFERENCES "room"."rooms" ("id") ON DELETE CASCADE,
        "uploader_id" uuid NOT NULL,
        "name" text NOT NULL,
        "content_type" text NOT NULL CONSTRAINT "attachments_content_type_check"
          CHECK ("content_type" IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
        "size" integer NOT NULL CONSTRAINT "attachments_size_check" CHECK ("size" > 0),
        "width" integer,
        "height" integer,
        "data" bytea NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "claimed_by" text,
        "claimed_at" timestamptz,
        CONSTRAINT "attachments_claim_check" CHECK (("claimed_by" IS NULL) = ("claimed_at" IS NULL))
      )`);
    // Serves the claim of a send (and its retry) and the removal of a deleted message's images.
    await q.query(
      `CREATE INDEX "attachments_claim_idx" ON "room"."attachments" ("uploader_id", "claimed_by") WHERE "claimed_by" IS NOT NULL`,
    );
    // Serves pruning uploads never sent.
    await q.query(
      `CREATE INDEX "attachments_unclaimed_idx" ON "room"."attachments" ("created_at") WHERE "claimed_by" IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "room"."attachments"`);
  }
}

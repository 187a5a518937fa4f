import { MigrationInterface, QueryRunner } from 'typeorm';

/** Which schema an extension lives in: it may have been installed before us, anywhere. */
async function extensionSchema(q: QueryRunner, name: string): Promise<string> {
  const rows = (await q.query(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = $1`,
    [name],
  )) as Array<{ schema: string }>;
  if (!rows[0]) throw new Error(`extension ${name} is not installed`);
  return rows[0].schema;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Edits, tombstones, replies, attachments, reactions, date ranges, search and retention.
 *
 * Indexes and the queries they serve (the `HistoryInit` ones stay: (room_id, seq) for every page
 * by seq, around and summary; (sender_id, client_msg_id) for idempotency; the primary key for
 * edit, delete, reactions and reply checks):
 * - messages_room_created_idx (room_id, created_at, seq): date-range pages and replay
 *   (`room_id = $1 AND created_at >= $from AND created_at < $to ORDER BY created_at, seq`, one
 *   range scan, no sort: a 3-day window is one contiguous stretch of it), and retention's
 *   per-room "older than the cutoff" scan.
 * - messages_search_idx GIN (room_id, content gin_trgm_ops) WHERE deleted_at IS NULL: search,
 *   `content ILIKE '%…%'` within given rooms. Trigrams make any substring of 3+ characters
 *   indexable, Hangul included (unlike word-based full-text search, Korean needs no dictionary);
 *   btree_gin adds room_id to the same index so one room's hits are found without visiting others'.
 * - reactions primary key (message_id, user_id, emoji): one row per person per emoji (the
 *   idempotency of adding), and counting a page's reactions (`message_id = ANY($ids)`).
 */
export class HistoryChatLog1732500000000 implements MigrationInterface {
  name = 'HistoryChatLog1732500000000';

  async up(q: QueryRunner): Promise<void> {
    // Trusted extensions: a database owner may create them. Installed wherever the search path
    // puts them; referenced below by the schema they actually live in.
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gin`);
    const trgm = quoteIdent(await extensionSchema(q, 'pg_trgm'));

    await q.query(`
      ALTER TABLE "history"."messages"
        ADD COLUMN "attachments" jsonb NOT NULL DEFAULT '[]'::jsonb,
        ADD COLUMN "edited_at" timestamptz NULL,
        ADD COLUMN "deleted_at" timestamptz NULL,
        ADD COLUMN "reply_to_id" uuid NULL`);
    await q.query(`
      CREATE INDEX "messages_room_created_idx" ON "history"."messages" ("room_id", "created_at", "seq")`);
    await q.query(`
      CREATE INDEX "messages_search_idx" ON "history"."messages"
        USING gin ("room_id", "content" ${trgm}.gin_trgm_ops) WHERE "deleted_at" IS NULL`);

    // No foreign key from reply_to_id: retention may delete the message answered, and the reply
    // then simply points at nothing. Reactions go with their message (ON DELETE CASCADE).
    await q.query(`
      CREATE TABLE "history"."reactions" (
        "message_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "emoji" text NOT NULL,
        "room_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "reactions_pkey" PRIMARY KEY ("message_id", "user_id", "emoji"),
        CONSTRAINT "reactions_message_fkey" FOREIGN KEY ("message_id")
          REFERENCES "history"."messages" ("id") ON DELETE CASCADE
      )`);

    await q.query(`
      CREATE TABLE "history"."room_retention" (
        "room_id" uuid NOT NULL,
        "days" double precision NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "room_retention_pkey" PRIMARY KEY ("room_id"),
        CONSTRAINT "room_retention_days_check" CHECK ("days" >= 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "history"."room_retention"`);
    await q.query(`DROP TABLE "history"."reactions"`);
    await q.query(`DROP INDEX "history"."messages_search_idx"`);
    await q.query(`DROP INDEX "history"."messages_room_created_idx"`);
    await q.query(`
      ALTER TABLE "history"."messages"
        DROP COLUMN "reply_to_id",
        DROP COLUMN "deleted_at",
        DROP COLUMN "edited_at",
        DROP COLUMN "attachments"`);
    // The extensions stay: other schemas may use them.
  }
}

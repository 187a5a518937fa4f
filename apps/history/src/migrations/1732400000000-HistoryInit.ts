import { MigrationInterface, QueryRunner } from 'typeorm';

export class HistoryInit1732400000000 implements MigrationInterface {
  name = 'HistoryInit1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "history"`);
    // (room_id, seq) serves every page read; (sender_id, client_msg_id) serves the idempotency
    // lookup. Both are UNIQUE: they are the rules, not just the speed.
    await q.query(`
      CREATE TABLE "history"."messages" (
        "id" uuid NOT NULL,
        "room_id" uuid NOT NULL,
        "seq" bigint NOT NULL,
        "sender_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "content" text NOT NULL,
        "client_msg_id" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "messages_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "messages_room_seq_key" UNIQUE ("room_id", "seq"),
        CONSTRAINT "messages_sender_client_msg_key" UNIQUE ("sender_id", "client_msg_id"),
        CONSTRAINT "messages_seq_check" CHECK ("seq" >= 1),
        CONSTRAINT "messages_kind_check" CHECK ("kind" IN ('text', 'image', 'emoticon', 'system'))
      )`);
    await q.query(`
      CREATE TABLE "history"."room_sequences" (
        "room_id" uuid NOT NULL,
        "last_seq" bigint NOT NULL,
        CONSTRAINT "room_sequences_pkey" PRIMARY KEY ("room_id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "history"."room_sequences"`);
    await q.query(`DROP TABLE "history"."messages"`);
  }
}

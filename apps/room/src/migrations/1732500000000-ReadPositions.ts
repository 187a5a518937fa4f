import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReadPositions1732500000000 implements MigrationInterface {
  name = 'ReadPositions1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "room"."read_positions" (
        "room_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "last_read_seq" bigint NOT NULL DEFAULT 0 CHECK ("last_read_seq" >= 0),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("room_id", "user_id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "room"."read_positions"`);
  }
}

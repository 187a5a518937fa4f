import { MigrationInterface, QueryRunner } from 'typeorm';

/** Special-word effects the room service attached at send time (e.g. confetti for 축하). */
export class MessageEffects1732600000000 implements MigrationInterface {
  name = 'MessageEffects1732600000000';

  async up(q: QueryRunner): Promise<void> {
    // A constant default: no table rewrite on PostgreSQL 11+.
    await q.query(`ALTER TABLE "history"."messages" ADD COLUMN "effects" text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "history"."messages" DROP COLUMN "effects"`);
  }
}

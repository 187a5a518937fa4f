import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every posting check asks whether the room has an integration (so history knows whether to
 * announce the message to integrations' inboxes at all); a partial index keeps that a probe of
 * the few rooms that have one.
 */
export class MembershipBotRoomIndex1765000000600 implements MigrationInterface {
  name = 'MembershipBotRoomIndex1765000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "memberships_bot_room_idx" ON "room"."memberships" ("room_id") WHERE "bot"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "room"."memberships_bot_room_idx"`);
  }
}

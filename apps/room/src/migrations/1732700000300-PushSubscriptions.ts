import { MigrationInterface, QueryRunner } from 'typeorm';

export class PushSubscriptions1732700000300 implements MigrationInterface {
  name = 'PushSubscriptions1732700000300';

  async up(q: QueryRunner): Promise<void> {
    // One subscription per device: the endpoint is the browser's, the session is the sign-in on it.
    await q.query(`
      CREATE TABLE "room"."push_subscriptions" (
        "endpoint" text PRIMARY KEY,
        "user_id" uuid NOT NULL,
        "session_id" uuid NOT NULL UNIQUE,
        "p256dh" text NOT NULL,
        "auth" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "push_subscriptions_user_idx" ON "room"."push_subscriptions" ("user_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "room"."push_subscriptions"`);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryPrepared, TurnBatch } from '@app/common';
import type { ValidSubscription } from './push-policy';

export interface PushTarget extends ValidSubscription {
  userId: string;
}

@Injectable()
export class PushRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * One subscription per session, and an endpoint belongs to whoever subscribed with it last
   * (the browser is shared: the previous account signed out of it).
   */
  async save(userId: string, sessionId: string, sub: ValidSubscription): Promise<void> {
    await this.ds.transaction(async (tx) => {
      await tx.query(`DELETE FROM "room"."push_subscriptions" WHERE "session_id" = $1 AND "endpoint" <> $2`, [
        sessionId,
        sub.endpoint,
      ]);
      await tx.query(
        `INSERT INTO "room"."push_subscriptions" ("endpoint", "user_id", "session_id", "p256dh", "auth")
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ("endpoint") DO UPDATE
           SET "user_id" = EXCLUDED."user_id", "session_id" = EXCLUDED."session_id",
               "p256dh" = EXCLUDED."p256dh", "auth" = EXCLUDED."auth", "updated_at" = now()`,
        [sub.endpoint, userId, sessionId, sub.p256dh, sub.auth],
      );
    });
  }

  async removeSession(userId: string, sessionId: string): Promise<boolean> {
    const rows = (await this.ds.query(
      `WITH d AS (
         DELETE FROM "room"."push_subscriptions" WHERE "user_id" = $1 AND "session_id" = $2 RETURNING 1
       ) SELECT count(*)::int AS n FROM d`,
      [userId, sessionId],
    )) as Array<{ n: number }>;
    return rows[0].n > 0;
  }

  /** The push service said the subscription is gone (404/410). Only if it was not renewed meanwhile. */
  async removeEndpoint(endpoint: string, p256dh: string): Promise<void> {
    await this.ds.query(`DELETE FROM "room"."push_subscriptions" WHERE "endpoint" = $1 AND "p256dh" = $2`, [
      endpoint,
      p256dh,
    ]);
  }

  /**
   * Subscriptions of the room's members other than the sender who have no connected device: no
   * live presence session on any gateway. (A connected but hidden tab counts as connected: the
   * page shows its own notification.) Asked once per message sent while push is on, so the
   * messages of one turn are answered by one prepared statement.
   */
  offlineTargets(roomId: string, senderId: string): Promise<PushTarget[]> {
    return this.offline.ask({ roomId, senderId });
  }

  private readonly offline = new TurnBatch<{ roomId: string; senderId: string }, PushTarget[]>(
    async (asked) => {
      const rows = await queryPrepared<{
        ord: string;
        endpoint: string;
        p256dh: string;
        auth: string;
        user_id: string;
      }>(this.ds, 'room_push_offline_targets', OFFLINE_TARGETS_SQL, [
        asked.map((a) => a.roomId),
        asked.map((a) => a.senderId),
      ]);
      const targets = asked.map((): PushTarget[] => []);
      for (const r of rows)
        targets[Number(r.ord) - 1].push({
          endpoint: r.endpoint,
          p256dh: r.p256dh,
          auth: r.auth,
          userId: r.user_id,
        });
      return targets;
    },
  );
}

const OFFLINE_TARGETS_SQL = `
  SELECT q."ord", s."endpoint", s."p256dh", s."auth", s."user_id"
    FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS q("room_id", "sender_id", "ord")
    JOIN "room"."memberships" m ON m."room_id" = q."room_id" AND m."user_id" <> q."sender_id"
    JOIN "room"."push_subscriptions" s ON s."user_id" = m."user_id"
   WHERE NOT EXISTS (
           SELECT 1 FROM "room"."presence_sessions" p
             JOIN "room"."presence_gateways" g ON g."gateway_id" = p."gateway_id"
            WHERE p."user_id" = m."user_id" AND g."expires_at" > now()
         )`;

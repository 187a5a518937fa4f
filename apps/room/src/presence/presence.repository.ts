import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { GatewayPresenceReport, PresenceStatus } from '@app/contracts';

export interface PresenceChange {
  userId: string;
  status: PresenceStatus;
  lastSeenAt: Date;
}

/*
 * DELETE ... RETURNING is wrapped in a CTE throughout: TypeORM's raw query() answers a bare
 * DELETE with [rows, count] instead of the rows.
 */

/**
 * Presence lives in three tables: a lease per gateway (renewed by each of its reports), the
 * sessions each gateway holds (a user's status there, alive while the lease is), and the
 * aggregate last announced per user.
 */
@Injectable()
export class PresenceRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Apply a gateway's report and return the users whose aggregate status changed. Only sessions
   * that differ from what is stored are written, so a full report that changes nothing writes
   * one row: the lease.
   */
  async applyReport(r: GatewayPresenceReport): Promise<PresenceChange[]> {
    return this.ds.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO "room"."presence_gateways" ("gateway_id", "expires_at")
         VALUES ($1, now() + make_interval(secs => $2::float8 / 1000))
         ON CONFLICT ("gateway_id") DO UPDATE SET "expires_at" = EXCLUDED."expires_at"`,
        [r.gatewayId, r.ttlMs],
      );
      const affected = new Set<string>();
      const note = (rows: Array<{ user_id: string }>) => rows.forEach((row) => affected.add(row.user_id));
      const ids = r.users.map((u) => u.userId);
      if (r.full) {
        note(
          await tx.query(
            `WITH d AS (
               DELETE FROM "room"."presence_sessions" s
                WHERE s."gateway_id" = $1
                  AND NOT EXISTS (SELECT 1 FROM unnest($2::uuid[]) AS u WHERE u = s."user_id")
               RETURNING s."user_id"
             ) SELECT "user_id" FROM d`,
            [r.gatewayId, ids],
          ),
        );
      }
      if (r.gone.length > 0) {
        note(
          await tx.query(
            `WITH d AS (
               DELETE FROM "room"."presence_sessions"
                WHERE "gateway_id" = $1 AND "user_id" = ANY($2::uuid[])
               RETURNING "user_id"
             ) SELECT "user_id" FROM d`,
            [r.gatewayId, r.gone],
          ),
        );
      }
      if (r.users.length > 0) {
        note(
          await tx.query(
            `WITH reported AS (
               SELECT DISTINCT ON (u) u, s FROM unnest($2::uuid[], $3::text[]) AS t(u, s)
             ), changed AS (
               SELECT reported.u, reported.s
                 FROM reported
                 LEFT JOIN "room"."presence_sessions" p ON p."gateway_id" = $1 AND p."user_id" = reported.u
                WHERE p."status" IS DISTINCT FROM reported.s
             )
             INSERT INTO "room"."presence_sessions" ("user_id", "gateway_id", "status")
             SELECT u, $1, s FROM changed
             ON CONFLICT ("user_id", "gateway_id") DO UPDATE SET "status" = EXCLUDED."status"
             RETURNING "user_id"`,
            [r.gatewayId, ids, r.users.map((u) => u.status)],
          ),
        );
      }
      return this.recompute(tx, [...affected]);
    });
  }

  /** Drop the sessions of gateways whose lease ran out (crashed ones) and return the resulting changes. */
  async expire(): Promise<PresenceChange[]> {
    return this.ds.transaction(async (tx) => {
      const gone = (await tx.query(
        `WITH d AS (
           DELETE FROM "room"."presence_sessions" s
            USING "room"."presence_gateways" g
            WHERE g."gateway_id" = s."gateway_id" AND g."expires_at" <= now()
           RETURNING s."user_id"
         ) SELECT DISTINCT "user_id" FROM d`,
      )) as Array<{ user_id: string }>;
      await tx.query(`DELETE FROM "room"."presence_gateways" WHERE "expires_at" <= now()`);
      return this.recompute(
        tx,
        gone.map((g) => g.user_id),
      );
    });
  }

  async statuses(userIds: string[]): Promise<Map<string, { status: PresenceStatus; lastSeenAt: Date }>> {
    if (userIds.length === 0) return new Map();
    const rows = (await this.ds.query(
      `SELECT "user_id", "status", "last_seen_at" FROM "room"."presence_users" WHERE "user_id" = ANY($1::uuid[])`,
      [userIds],
    )) as Array<{ user_id: string; status: PresenceStatus; last_seen_at: Date }>;
    return new Map(rows.map((r) => [r.user_id, { status: r.status, lastSeenAt: r.last_seen_at }]));
  }

  /**
   * Online if any live session is online, away if any is away, else offline. Per-user advisory
   * locks (taken in id order, so two instances never deadlock) serialise recomputation, and the
   * conditional upsert returns only real transitions.
   */
  private async recompute(tx: EntityManager, userIds: string[]): Promise<PresenceChange[]> {
    if (userIds.length === 0) return [];
    const ids = [...userIds].sort();
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtext('presence:' || u::text)) FROM unnest($1::uuid[]) AS u ORDER BY u`,
      [ids],
    );
    const rows = (await tx.query(
      `WITH live AS (
         SELECT s."user_id",
                CASE WHEN bool_or(s."status" = 'online') THEN 'online' ELSE 'away' END AS status
           FROM "room"."presence_sessions" s
           JOIN "room"."presence_gateways" g ON g."gateway_id" = s."gateway_id"
          WHERE s."user_id" = ANY($1::uuid[]) AND g."expires_at" > now()
          GROUP BY s."user_id"
       ), wanted AS (
         SELECT u AS user_id, COALESCE(live.status, 'offline') AS status
           FROM unnest($1::uuid[]) AS u LEFT JOIN live ON live.user_id = u
       )
       INSERT INTO "room"."presence_users" AS pu ("user_id", "status", "last_seen_at")
       SELECT user_id, status, now() FROM wanted
       ON CONFLICT ("user_id") DO UPDATE
         SET "status" = EXCLUDED."status", "last_seen_at" = now()
         WHERE pu."status" IS DISTINCT FROM EXCLUDED."status"
       RETURNING "user_id", "status", "last_seen_at", (xmax = 0) AS inserted`,
      [ids],
    )) as Array<{ user_id: string; status: PresenceStatus; last_seen_at: Date; inserted: boolean }>;
    // A user seen for the first time as offline was never announced as anything: nothing changed.
    return rows
      .filter((r) => !(r.inserted && r.status === 'offline'))
      .map((r) => ({ userId: r.user_id, status: r.status, lastSeenAt: r.last_seen_at }));
  }
}

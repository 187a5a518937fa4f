import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface Bucket {
  scope: string;
  key: string;
  /** Attempts allowed within the window. */
  limit: number;
  windowSeconds: number;
}

export type AcquireResult = { ok: true; ids: string[] } | { ok: false; retryAfterSeconds: number };

@Injectable()
export class ThrottleRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Check every bucket and, only if none is full, count one attempt in each — atomically per key
   * (a transaction-scoped advisory lock), so a burst of parallel attempts, on any number of auth
   * instances, cannot slip past the limit between the check and the count.
   */
  async acquire(buckets: Bucket[]): Promise<AcquireResult> {
    return this.ds.transaction(async (em) => {
      // Always locked in the order given (account before IP), so two attempts never wait on each other in a cycle.
      for (const b of buckets) {
        await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
          `happychat.throttle:${b.scope}:${b.key}`,
        ]);
      }
      let retryAfter = 0;
      for (const b of buckets) {
        // Keys that stay busy are pruned here; the periodic prune catches the ones that went quiet.
        await em.query(
          `DELETE FROM "auth"."throttle_events"
            WHERE "scope" = $1 AND "key" = $2 AND "at" <= now() - make_interval(secs => $3)`,
          [b.scope, b.key, b.windowSeconds],
        );
        // The limit-th newest attempt inside the window: while it exists, the window is full,
        // and it is the one whose leaving reopens it.
        const rows = (await em.query(
          `SELECT extract(epoch FROM ("at" + make_interval(secs => $3) - now())) AS wait
             FROM "auth"."throttle_events"
            WHERE "scope" = $1 AND "key" = $2 AND "at" > now() - make_interval(secs => $3)
            ORDER BY "at" DESC OFFSET $4 LIMIT 1`,
          [b.scope, b.key, b.windowSeconds, b.limit - 1],
        )) as Array<{ wait: string }>;
        if (rows.length > 0) retryAfter = Math.max(retryAfter, Number(rows[0].wait));
      }
      if (retryAfter > 0) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfter)) };
      const ids: string[] = [];
      for (const b of buckets) {
        const inserted = (await em.query(
          `INSERT INTO "auth"."throttle_events" ("scope", "key", "at") VALUES ($1, $2, now()) RETURNING "id"`,
          [b.scope, b.key],
        )) as Array<{ id: string }>;
        ids.push(String(inserted[0].id));
      }
      return { ok: true, ids };
    });
  }

  async forget(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.ds.query(`DELETE FROM "auth"."throttle_events" WHERE "id" = ANY($1::bigint[])`, [ids]);
  }

  async clear(scope: string, key: string): Promise<void> {
    await this.ds.query(`DELETE FROM "auth"."throttle_events" WHERE "scope" = $1 AND "key" = $2`, [
      scope,
      key,
    ]);
  }

  async prune(olderThanSeconds: number): Promise<number> {
    const result = (await this.ds.query(
      `DELETE FROM "auth"."throttle_events" WHERE "at" < now() - make_interval(secs => $1)`,
      [olderThanSeconds],
    )) as [unknown, number];
    return result[1] ?? 0;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { emptyReceipt, OutboxOp, OutboxReceipt } from './outbox-op';

/** Writes ops into the outbox inside the caller's transaction, remembering what it wrote. */
export class OutboxWriter {
  readonly receipt: OutboxReceipt = emptyReceipt();

  constructor(private readonly manager: EntityManager) {}

  /**
   * Append ops to a stream (a user's for their memberships; a room's for its events or system
   * messages). `awaited`: the caller's acknowledgement waits for these to be applied.
   */
  async add(stream: string, ops: OutboxOp[], { awaited = true } = {}): Promise<void> {
    if (ops.length === 0) return;
    await this.manager.query(
      `INSERT INTO "room"."outbox_streams" ("stream") VALUES ($1) ON CONFLICT DO NOTHING`,
      [stream],
    );
    const ids: string[] = [];
    // One insert per op: ids come from the sequence in statement order, which is apply order.
    for (const op of ops) {
      const rows = (await this.manager.query(
        `INSERT INTO "room"."outbox" ("stream", "op") VALUES ($1, $2::jsonb) RETURNING "id"`,
        [stream, JSON.stringify(op)],
      )) as Array<{ id: string }>;
      ids.push(String(rows[0].id));
    }
    if (awaited) this.receipt.awaited.set(stream, [...(this.receipt.awaited.get(stream) ?? []), ...ids]);
    else this.receipt.background.add(stream);
  }
}

export type StreamOutcome = 'done' | 'busy' | 'deferred' | 'failed';

interface RawRow {
  id: string;
  op: OutboxOp;
  attempts: number;
  next_attempt_at: Date;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  writer(manager: EntityManager): OutboxWriter {
    return new OutboxWriter(manager);
  }

  /**
   * Apply a stream's ops in id order while holding the stream's lock row, deleting each applied
   * op in the same transaction. `skip`: give up at once if another relay holds the stream
   * (SKIP LOCKED) and respect the head op's backoff; `wait`: wait up to `lockTimeoutMs` for the
   * lock and try now. On the first failure the op's attempt is recorded and the stream stops
   * there: nothing overtakes an op that has not been applied.
   */
  applyStream(
    stream: string,
    mode: { skip: true } | { skip: false; lockTimeoutMs: number },
    apply: (op: OutboxOp) => Promise<void>,
    backoffMs: (attempts: number) => number,
  ): Promise<{ outcome: StreamOutcome; applied: number; error?: string }> {
    return this.dataSource
      .transaction(async (m) => {
        if (!mode.skip)
          await m.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(mode.lockTimeoutMs))}`);
        // NO KEY UPDATE: excludes other relays, yet lets writers keep adding ops (their foreign
        // key check takes KEY SHARE, which this lock does not block).
        const locked = (await m.query(
          `SELECT "stream" FROM "room"."outbox_streams" WHERE "stream" = $1 FOR NO KEY UPDATE${mode.skip ? ' SKIP LOCKED' : ''}`,
          [stream],
        )) as unknown[];
        if (locked.length === 0) return { outcome: 'busy' as const, applied: 0 };
        const rows = (await m.query(
          `SELECT "id", "op", "attempts", "next_attempt_at" FROM "room"."outbox" WHERE "stream" = $1 ORDER BY "id" LIMIT 200`,
          [stream],
        )) as RawRow[];
        if (rows.length === 0) return { outcome: 'done' as const, applied: 0 };
        if (mode.skip && new Date(rows[0].next_attempt_at).getTime() > Date.now())
          return { outcome: 'deferred' as const, applied: 0 };
        const applied: string[] = [];
        let failure: string | undefined;
        let waiting = false;
        for (const row of rows) {
          if (await this.waitsFor(m, row.op)) {
            // Not a failure: it is simply not its turn yet. Look again shortly.
            await m.query(
              `UPDATE "room"."outbox" SET "next_attempt_at" = now() + interval '100 milliseconds' WHERE "id" = $1`,
              [row.id],
            );
            waiting = true;
            break;
          }
          try {
            await apply(row.op);
            applied.push(String(row.id));
          } catch (err) {
            failure = (err as Error)?.message ?? String(err);
            const attempts = row.attempts + 1;
            await m.query(
              `UPDATE "room"."outbox" SET "attempts" = $2, "next_attempt_at" = now() + make_interval(secs => $3::double precision / 1000), "last_error" = $4 WHERE "id" = $1`,
              [row.id, attempts, backoffMs(attempts), failure.slice(0, 500)],
            );
            break;
          }
        }
        if (applied.length > 0)
          await m.query(`DELETE FROM "room"."outbox" WHERE "id" = ANY($1::bigint[])`, [applied]);
        if (failure) return { outcome: 'failed' as const, applied: applied.length, error: failure };
        return { outcome: waiting ? ('deferred' as const) : ('done' as const), applied: applied.length };
      })
      .catch((err: { code?: string; message?: string }) => {
        // 55P03 lock_not_available: another relay is applying this stream right now.
        if (err?.code === '55P03') return { outcome: 'busy' as const, applied: 0 };
        throw err;
      });
  }

  /** An op that must follow others still pending (in any stream). */
  private async waitsFor(m: EntityManager, op: OutboxOp): Promise<boolean> {
    if (op.kind !== 'system_message' || !op.after?.length) return false;
    const rows = (await m.query(`SELECT 1 FROM "room"."outbox" WHERE "id" = ANY($1::bigint[]) LIMIT 1`, [
      op.after,
    ])) as unknown[];
    return rows.length > 0;
  }

  /** Streams with an op that is due, oldest first. */
  async dueStreams(limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT "stream" FROM "room"."outbox" WHERE "next_attempt_at" <= now() GROUP BY "stream" ORDER BY min("id") LIMIT $1`,
      [limit],
    )) as Array<{ stream: string }>;
    return rows.map((r) => r.stream);
  }

  /** Which of these op ids are still waiting to be applied. */
  async pending(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT "id" FROM "room"."outbox" WHERE "id" = ANY($1::bigint[])`,
      [ids],
    )) as Array<{ id: string }>;
    return rows.map((r) => String(r.id));
  }

  async pendingIn(stream: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT "id" FROM "room"."outbox" WHERE "stream" = $1 ORDER BY "id"`,
      [stream],
    )) as Array<{ id: string }>;
    return rows.map((r) => String(r.id));
  }

  async pendingCount(): Promise<number> {
    const rows = (await this.dataSource.query(`SELECT count(*)::int AS n FROM "room"."outbox"`)) as Array<{
      n: number;
    }>;
    return rows[0]?.n ?? 0;
  }
}

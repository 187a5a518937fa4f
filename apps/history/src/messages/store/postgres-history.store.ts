import { Injectable, Logger } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { HistoryLimits, MessageKind } from '@app/contracts';
import { queryPrepared } from '@app/common';
import { MessageEntity } from '../entities/message.entity';
import { ReactionEntity } from '../entities/reaction.entity';
import { RoomRetentionEntity } from '../entities/room-retention.entity';
import { RoomSequenceEntity } from '../entities/room-sequence.entity';
import { HistoryInit1732400000000 } from '../../migrations/1732400000000-HistoryInit';
import { HistoryChatLog1732500000000 } from '../../migrations/1732500000000-HistoryChatLog';
import { MessageEffects1732600000000 } from '../../migrations/1732600000000-MessageEffects';
import { SearchIndexPendingList1732700000000 } from '../../migrations/1732700000000-SearchIndexPendingList';
import { SearchIndexMergedApart1732800000000 } from '../../migrations/1732800000000-SearchIndexMergedApart';
import {
  AppendInput,
  AppendResult,
  DeleteInput,
  DeleteResult,
  deleteRefusal,
  EditInput,
  EditResult,
  editRefusal,
  escapeLike,
  ExportQuery,
  HistoryStore,
  MessagePage,
  messageNotFound,
  messageDeleted,
  PageQuery,
  ReadSpan,
  ReadSpanQuery,
  prepareAppend,
  prepareDelete,
  prepareEdit,
  prepareExport,
  preparePage,
  preparePurge,
  prepareRange,
  prepareReaction,
  prepareReadSpans,
  prepareRetentionDays,
  prepareRoomId,
  prepareSearch,
  prepareSummary,
  PurgeInput,
  PurgeResult,
  RangeQuery,
  ReactionCount,
  ReactionInput,
  ReactionResult,
  resolveRepeat,
  RoomSummary,
  SearchPage,
  SearchQuery,
  sortReactions,
  StoredAttachment,
  StoredMessage,
  toAroundPage,
  toPage,
  tooManyReactions,
} from './history-store';

export const HISTORY_SCHEMA = 'history';
export const HISTORY_ENTITIES = [MessageEntity, RoomSequenceEntity, ReactionEntity, RoomRetentionEntity];
export const HISTORY_MIGRATIONS = [
  HistoryInit1732400000000,
  HistoryChatLog1732500000000,
  MessageEffects1732600000000,
  SearchIndexPendingList1732700000000,
  SearchIndexMergedApart1732800000000,
];

const CLIENT_KEY_CONSTRAINT = 'messages_sender_client_msg_key';
const UNIQUE_VIOLATION = '23505';
/** Held (session-level) by the one instance running retention. */
const RETENTION_LOCK = 'happychat.history.retention';

/*
 * Takes the room's next seq. The upsert holds the room_sequences row lock until the transaction
 * ends, so appends to one room run one after another (across processes too) while other rooms
 * proceed; a rollback restores last_seq, so a failed append leaves no gap. The timestamp is read
 * while the lock is held, so created_at never goes backwards within a room.
 */
const APPEND_SQL = `
  WITH next AS (
    INSERT INTO "history"."room_sequences" AS rs ("room_id", "last_seq")
    SELECT $1, 1
     WHERE NOT EXISTS (SELECT 1 FROM "history"."messages" WHERE "sender_id" = $2 AND "client_msg_id" = $5)
    ON CONFLICT ("room_id") DO UPDATE SET "last_seq" = rs."last_seq" + 1
    RETURNING "last_seq", clock_timestamp() AS now
  ), stamped AS (
    SELECT "last_seq", now,
           -- UUIDv7 (RFC 9562): 48-bit Unix ms, version 7, 12 bits of sub-millisecond time, then
           -- random bits with the RFC variant (from gen_random_uuid). Taken under the room lock,
           -- so ids rise with seq across every instance.
           encode(overlay(uuid_send(gen_random_uuid()) PLACING int8send(
             (floor(extract(epoch FROM now) * 1000)::bigint << 16)
             | 28672
             | floor((floor(extract(epoch FROM now) * 1000000)::bigint % 1000) * 4096 / 1000)::bigint
           ) FROM 1 FOR 8), 'hex')::uuid AS id
      FROM next
  )
  INSERT INTO "history"."messages"
    ("id", "room_id", "seq", "sender_id", "kind", "content", "client_msg_id", "created_at", "reply_to_id", "effects", "attachments")
  SELECT id, $1, "last_seq", $2, $3, $4, $5, now, $6, $7, $8::jsonb FROM stamped
  RETURNING "id", "seq", "created_at"`;

/*
 * Group commit: the new messages that arrived in one turn of the event loop, in one statement
 * and one WAL flush. Rooms' sequence rows are taken in room-id order (no deadlock between two
 * such statements) and each room's counter moves by its number of messages; within a room the
 * messages keep their arrival order, each 1 µs after the previous one so created_at and the
 * UUIDv7 still rise with seq. Messages already stored (retries) are left out and answered by
 * the caller from the stored row. Any failure (a retry racing its original on the unique key, a
 * constraint) aborts the whole statement, taking its seqs back; the caller then appends each on
 * its own, so every message gets its own answer.
 *
 * The retry check is a scalar subquery on purpose. Written as NOT EXISTS it became an anti join,
 * and since the planner takes any jsonb_to_recordset for 100 rows, it hashed the whole messages
 * table whenever that was under ~15,000 rows; the prepared statement kept that plan as the
 * table grew (until the next autoanalyze), so every append read every message (it was most of
 * PostgreSQL's CPU in the benchmark). A scalar subquery is never turned into a join: it is one
 * probe of (sender_id, client_msg_id) per new message, whatever the table's size at planning.
 */
export const APPEND_MANY_SQL = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(
      ord int, "roomId" uuid, "senderId" uuid, "kind" text, "content" text, "clientMsgId" text,
      "effects" text[], "attachments" jsonb)
  ), fresh AS (
    SELECT i.* FROM input i
     WHERE (SELECT 1 FROM "history"."messages" m
             WHERE m."sender_id" = i."senderId" AND m."client_msg_id" = i."clientMsgId" LIMIT 1) IS NULL
  ), counts AS (
    SELECT "roomId", count(*) AS n FROM fresh GROUP BY "roomId"
  ), next AS (
    INSERT INTO "history"."room_sequences" AS rs ("room_id", "last_seq")
    SELECT "roomId", n FROM counts ORDER BY "roomId"
    ON CONFLICT ("room_id") DO UPDATE SET "last_seq" = rs."last_seq" + EXCLUDED."last_seq"
    RETURNING "room_id", "last_seq", clock_timestamp() AS now
  ), numbered AS (
    SELECT f.*, nx."last_seq" - c.n + row_number() OVER w AS seq,
           nx.now + (row_number() OVER w - 1) * interval '1 microsecond' AS at
      FROM fresh f
      JOIN counts c ON c."roomId" = f."roomId"
      JOIN next nx ON nx."room_id" = f."roomId"
    WINDOW w AS (PARTITION BY f."roomId" ORDER BY f.ord)
  )
  INSERT INTO "history"."messages"
    ("id", "room_id", "seq", "sender_id", "kind", "content", "client_msg_id", "created_at", "effects", "attachments")
  SELECT encode(overlay(uuid_send(gen_random_uuid()) PLACING int8send(
           (floor(extract(epoch FROM at) * 1000)::bigint << 16)
           | 28672
           | floor((floor(extract(epoch FROM at) * 1000000)::bigint % 1000) * 4096 / 1000)::bigint
         ) FROM 1 FOR 8), 'hex')::uuid,
         "roomId", seq, "senderId", "kind", "content", "clientMsgId", at,
         coalesce("effects", '{}'), coalesce("attachments", '[]'::jsonb)
    FROM numbered ORDER BY "roomId", seq
  RETURNING "sender_id", "client_msg_id", "id", "seq", "created_at"`;

/** Appends waiting for this turn's group commit, and how many at most go in one statement. */
interface QueuedAppend {
  input: AppendInput;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}
const APPEND_GROUP_MAX = 200;

const COLUMNS = `m."id", m."room_id", m."seq", m."sender_id", m."kind", m."content", m."client_msg_id",
  m."created_at", m."attachments", m."edited_at", m."deleted_at", m."reply_to_id", m."effects"`;
const MESSAGES = `"history"."messages" m`;

/** See readSpans. $4: how many rows to look at, one more than a span may name the authors of. */
const READ_SPANS_SQL = `
  SELECT coalesce(s."last_seq", 0) AS "last_seq", c."n", c."authors"
    FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS q ("room_id", "after_seq", "seq", "ord")
    LEFT JOIN "history"."room_sequences" s ON s."room_id" = q."room_id"
    CROSS JOIN LATERAL (
      SELECT count(*) AS "n",
             array_agg(DISTINCT x."sender_id"::text)
               FILTER (WHERE x."kind" <> 'system' AND x."deleted_at" IS NULL) AS "authors"
        FROM (SELECT m."sender_id", m."kind", m."deleted_at" FROM "history"."messages" m
               WHERE m."room_id" = q."room_id" AND m."seq" > q."after_seq" AND m."seq" <= q."seq"
               ORDER BY m."seq" LIMIT $4) x
    ) c
   ORDER BY q."ord"`;

interface MessageRow {
  id: string;
  room_id: string;
  seq: string;
  sender_id: string;
  kind: MessageKind;
  content: string;
  client_msg_id: string;
  created_at: Date;
  attachments: StoredAttachment[];
  edited_at: Date | null;
  deleted_at: Date | null;
  reply_to_id: string | null;
  effects: string[] | null;
}

function toStored(r: MessageRow): StoredMessage {
  return {
    id: r.id,
    roomId: r.room_id,
    seq: Number(r.seq),
    senderId: r.sender_id,
    kind: r.kind,
    content: r.content,
    clientMsgId: r.client_msg_id,
    createdAt: r.created_at,
    attachments: r.attachments ?? [],
    editedAt: r.edited_at,
    deletedAt: r.deleted_at,
    replyToId: r.reply_to_id,
    effects: r.effects ?? [],
  };
}

function isClientKeyViolation(err: unknown): boolean {
  const pgError = (err instanceof QueryFailedError ? err.driverError : err) as
    { code?: string; constraint?: string } | undefined;
  return pgError?.code === UNIQUE_VIOLATION && pgError.constraint === CLIENT_KEY_CONSTRAINT;
}

/** Something that runs SQL: the pool, or one connection inside a transaction. */
interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** TypeORM answers UPDATE/DELETE as [rows, rowCount] and everything else as rows. */
async function rows<T>(sql: Sql, text: string, params: unknown[]): Promise<T[]> {
  const result = (await sql.query(text, params)) as unknown[];
  if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number')
    return result[0] as T[];
  return result as T[];
}

/** The message just stored, from its input and what the insert returned. */
function storedFromRow(
  input: AppendInput,
  row: { id: string; seq: string; created_at: Date },
): StoredMessage & { reactions: [] } {
  return {
    id: row.id,
    roomId: input.roomId,
    seq: Number(row.seq),
    senderId: input.senderId,
    kind: input.kind,
    content: input.content,
    clientMsgId: input.clientMsgId,
    createdAt: row.created_at,
    attachments: input.attachments ?? [],
    editedAt: null,
    deletedAt: null,
    replyToId: input.replyToId ?? null,
    effects: input.effects ?? [],
    reactions: [],
  };
}

/** The PostgreSQL message log (schema `history`). This class is the repository. */
@Injectable()
export class PostgresHistoryStore implements HistoryStore {
  readonly name = 'postgres' as const;

  private readonly logger = new Logger(PostgresHistoryStore.name);
  private readonly appendQueue: QueuedAppend[] = [];
  private appendFlushScheduled = false;
  /** Whether this instance appended since its last search merge; an idle one asks nothing. */
  private appendedSinceMerge = false;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends arriving together (a command batch, concurrent requests) are stored together: see
   * APPEND_MANY_SQL. Groups are not serialised: two in flight commit independently (PostgreSQL
   * lets concurrent commits share a WAL flush), and only those sharing a room wait for each
   * other's row lock. (Holding the next group until the previous one committed was tried; under
   * CPU contention its chain of wake-ups cost more latency than the lock waits it saved.) A
   * reply names a message that must be checked first, so it goes on its own.
   */
  async append(raw: AppendInput): Promise<AppendResult> {
    const input = prepareAppend(raw);
    this.appendedSinceMerge = true;
    if (input.replyToId) return this.appendOne(input);
    return new Promise<AppendResult>((resolve, reject) => {
      this.appendQueue.push({ input, resolve, reject });
      if (!this.appendFlushScheduled) {
        this.appendFlushScheduled = true;
        setImmediate(() => this.flushAppends());
      }
    });
  }

  private flushAppends(): void {
    this.appendFlushScheduled = false;
    while (this.appendQueue.length > 0) void this.appendGroup(this.appendQueue.splice(0, APPEND_GROUP_MAX));
  }

  private async appendGroup(group: QueuedAppend[]): Promise<void> {
    const alone = (q: QueuedAppend) => this.appendOne(q.input).then(q.resolve, q.reject);
    let stored: Map<string, { id: string; seq: string; created_at: Date }>;
    try {
      const inserted = await queryPrepared<{
        sender_id: string;
        client_msg_id: string;
        id: string;
        seq: string;
        created_at: Date;
      }>(this.dataSource, 'history_append_many', APPEND_MANY_SQL, [
        JSON.stringify(group.map((q, ord) => ({ ord, ...q.input }))),
      ]);
      stored = new Map(inserted.map((r) => [`${r.sender_id}\u0000${r.client_msg_id}`, r]));
    } catch (err) {
      if (!isClientKeyViolation(err))
        this.logger.warn(`group append of ${group.length} failed (${(err as Error).message}); one by one`);
      await Promise.all(group.map(alone));
      return;
    }
    for (const q of group) {
      const row = stored.get(`${q.input.senderId}\u0000${q.input.clientMsgId}`);
      if (row) q.resolve({ message: storedFromRow(q.input, row), duplicate: false });
      else void alone(q); // stored before: a retry, answered from the stored row
    }
  }

  /**
   * One autocommit statement for one new message (see APPEND_SQL), so the room's sequence row is
   * locked only for that statement, not across client round trips. A retry is answered by the
   * lookup before it; a retry racing its original loses on the unique key, and its failed
   * statement gives its seq back.
   */
  private async appendOne(input: AppendInput): Promise<AppendResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let existing: StoredMessage | null;
    try {
      existing = await this.findByClientKey(runner, input.senderId, input.clientMsgId);
      if (!existing) {
        if (input.replyToId && !(await this.findInRoom(runner, input.roomId, input.replyToId))) {
          throw messageNotFound('replyToId');
        }
        try {
          const [row] = await rows<{ id: string; seq: string; created_at: Date }>(runner, APPEND_SQL, [
            input.roomId,
            input.senderId,
            input.kind,
            input.content,
            input.clientMsgId,
            input.replyToId ?? null,
            input.effects ?? [],
            JSON.stringify(input.attachments ?? []),
          ]);
          if (row) return { message: storedFromRow(input, row), duplicate: false };
        } catch (err) {
          if (!isClientKeyViolation(err)) throw err;
        }
        // Stored by a racing retry between our lookup and our statement: answer with the winner.
        existing = await this.findByClientKey(runner, input.senderId, input.clientMsgId);
        if (!existing) throw new Error('append lost a race but found no winner');
      }
    } finally {
      await runner.release();
    }
    const repeat = resolveRepeat(existing, input);
    return { ...repeat, message: (await this.withReactions([repeat.message], input.senderId))[0] };
  }

  /*
   * Every page is one range scan of the unique (room_id, seq) index, reading limit + 1 rows:
   *   latest:    WHERE room_id = $1               ORDER BY seq DESC LIMIT n + 1
   *   beforeSeq: WHERE room_id = $1 AND seq < $2  ORDER BY seq DESC LIMIT n + 1
   *   afterSeq:  WHERE room_id = $1 AND seq > $2  ORDER BY seq ASC  LIMIT n + 1
   *   around:    the target by primary key, then a beforeSeq and an afterSeq scan from its seq.
   * visibleFrom only filters (created_at rises with seq, so the filtered rows are at one end).
   */
  async page(q: PageQuery): Promise<MessagePage> {
    const prepared = preparePage(q);
    const { roomId, direction, limit, viewerId, visibleFrom } = prepared;
    const db = this.dataSource;
    const visible = visibleFrom ? `AND m."created_at" >= $3` : '';
    const scan = (cmp: '<' | '>', seq: number, n: number): Promise<MessageRow[]> =>
      rows<MessageRow>(
        db,
        `SELECT ${COLUMNS} FROM ${MESSAGES}
         WHERE m."room_id" = $1 AND m."seq" ${cmp} $2 ${visible}
         ORDER BY m."seq" ${cmp === '<' ? 'DESC' : 'ASC'} LIMIT ${n}`,
        visibleFrom ? [roomId, seq, visibleFrom] : [roomId, seq],
      );
    if (direction.kind === 'around') {
      const target = await this.findInRoom(db, roomId, direction.id);
      if (!target || (visibleFrom && target.createdAt < visibleFrom)) throw messageNotFound('aroundId');
      const [older, newer] = await Promise.all([
        scan('<', target.seq, direction.older + 1),
        scan('>', target.seq, direction.newer + 1),
      ]);
      const page = toAroundPage(older.map(toStored), target, newer.map(toStored), direction);
      return { ...page, messages: await this.withReactions(page.messages, viewerId) };
    }
    let found: MessageRow[];
    if (direction.kind === 'latest') {
      found = await scan('<', Number.MAX_SAFE_INTEGER, limit + 1);
    } else {
      found = await scan(direction.kind === 'before' ? '<' : '>', direction.seq, limit + 1);
    }
    const page = toPage(found.map(toStored), prepared);
    return { ...page, messages: await this.withReactions(page.messages, viewerId) };
  }

  /*
   * One range scan of (room_id, created_at, seq), already in order:
   *   WHERE room_id = $1 AND created_at >= $from AND created_at < $to ORDER BY created_at, seq LIMIT n + 1
   * A continuation starts the scan at the (created_at, seq) of afterSeq, not at `from`.
   */
  async range(q: RangeQuery): Promise<MessagePage> {
    const r = prepareRange(q);
    const params: unknown[] = [r.roomId, r.effectiveFrom, r.to];
    let where = `m."room_id" = $1 AND m."created_at" >= $2 AND m."created_at" < $3`;
    if (r.afterSeq !== undefined) {
      params.push(r.afterSeq);
      where += ` AND (m."created_at", m."seq") > (
          COALESCE((SELECT a."created_at" FROM "history"."messages" a WHERE a."room_id" = $1 AND a."seq" = $4),
                   '-infinity'::timestamptz), $4)
        AND m."seq" > $4`;
    }
    if (!r.includeDeleted) where += ` AND m."deleted_at" IS NULL`;
    const found = await rows<MessageRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM ${MESSAGES} WHERE ${where}
       ORDER BY m."created_at", m."seq" LIMIT ${r.limit + 1}`,
      params,
    );
    const messages = found.slice(0, r.limit).map(toStored);
    return { messages: await this.withReactions(messages, r.viewerId), hasMore: found.length > r.limit };
  }

  /** One conditional UPDATE by primary key; when it matches nothing, one read says why. */
  async edit(raw: EditInput): Promise<EditResult> {
    const input = prepareEdit(raw);
    const [updated] = await rows<MessageRow>(
      this.dataSource,
      `UPDATE ${MESSAGES} SET "content" = $4, "edited_at" = clock_timestamp()
       WHERE m."id" = $1 AND m."room_id" = $2 AND m."sender_id" = $3 AND m."deleted_at" IS NULL
         AND m."created_at" > clock_timestamp() - make_interval(secs => $5)
         AND m."content" <> $4
       RETURNING ${COLUMNS}`,
      [input.messageId, input.roomId, input.actorId, input.content, input.windowSeconds],
    );
    if (updated) {
      const [message] = await this.withReactions([toStored(updated)], input.actorId);
      return { message, changed: true };
    }
    const current = await this.findInRoom(this.dataSource, input.roomId, input.messageId);
    const refusal = editRefusal(current, input, await this.databaseNow());
    if (refusal) throw refusal;
    const [message] = await this.withReactions([current as StoredMessage], input.actorId);
    return { message, changed: false };
  }

  /** Tombstone and reaction removal commit together. */
  async delete(raw: DeleteInput): Promise<DeleteResult> {
    const input = prepareDelete(raw);
    return this.dataSource.transaction(async (tx) => {
      const [updated] = await rows<MessageRow>(
        tx,
        `UPDATE ${MESSAGES}
         SET "content" = '', "attachments" = '[]'::jsonb, "deleted_at" = clock_timestamp()
         WHERE m."id" = $1 AND m."room_id" = $2 AND m."deleted_at" IS NULL
           AND (m."sender_id" = $3 OR $4::boolean)
         RETURNING ${COLUMNS}`,
        [input.messageId, input.roomId, input.actorId, input.moderator],
      );
      if (updated) {
        await tx.query(`DELETE FROM "history"."reactions" WHERE "message_id" = $1`, [input.messageId]);
        return { message: { ...toStored(updated), reactions: [] }, changed: true };
      }
      const current = await this.findInRoom(tx, input.roomId, input.messageId);
      const refusal = deleteRefusal(current, input);
      if (refusal) throw refusal;
      return { message: { ...(current as StoredMessage), reactions: [] }, changed: false };
    });
  }

  /*
   * The message row is locked (FOR UPDATE) for the change: reactions to one message, and a
   * delete of it, take turns, so the per-user cap holds and no reaction outlives a tombstone.
   */
  async addReaction(raw: ReactionInput): Promise<ReactionResult> {
    const input = prepareReaction(raw);
    return this.dataSource.transaction(async (tx) => {
      await this.lockLiveMessage(tx, input);
      const [mine] = await rows<{ total: number; has: boolean }>(
        tx,
        `SELECT count(*)::int AS total, bool_or("emoji" = $3) AS has
         FROM "history"."reactions" WHERE "message_id" = $1 AND "user_id" = $2`,
        [input.messageId, input.userId, input.emoji],
      );
      let changed = false;
      if (!mine.has) {
        if (mine.total >= HistoryLimits.REACTIONS_PER_USER_MAX) throw tooManyReactions();
        await tx.query(
          `INSERT INTO "history"."reactions" ("message_id", "user_id", "emoji", "room_id", "created_at")
           VALUES ($1, $2, $3, $4, clock_timestamp())`,
          [input.messageId, input.userId, input.emoji, input.roomId],
        );
        changed = true;
      }
      return { reactions: await this.reactionsOf(tx, input.messageId, input.userId), changed };
    });
  }

  async removeReaction(raw: ReactionInput): Promise<ReactionResult> {
    const input = prepareReaction(raw);
    return this.dataSource.transaction(async (tx) => {
      const [message] = await rows<{ id: string }>(
        tx,
        `SELECT m."id" FROM ${MESSAGES} WHERE m."id" = $1 AND m."room_id" = $2 FOR UPDATE`,
        [input.messageId, input.roomId],
      );
      if (!message) throw messageNotFound();
      const deleted = await rows<{ emoji: string }>(
        tx,
        `DELETE FROM "history"."reactions" WHERE "message_id" = $1 AND "user_id" = $2 AND "emoji" = $3
         RETURNING "emoji"`,
        [input.messageId, input.userId, input.emoji],
      );
      return {
        reactions: await this.reactionsOf(tx, input.messageId, input.userId),
        changed: deleted.length > 0,
      };
    });
  }

  /*
   * One statement for the batch: per room a primary-key probe of room_sequences and a backward
   * scan of (room_id, seq) to the newest row that is not a tombstone.
   */
  async summary(raw: string[]): Promise<RoomSummary[]> {
    const roomIds = prepareSummary(raw);
    if (roomIds.length === 0) return [];
    const found = await rows<MessageRow & { summary_room_id: string; summary_last_seq: string | null }>(
      this.dataSource,
      `SELECT r."room_id" AS summary_room_id, s."last_seq" AS summary_last_seq, ${COLUMNS}
       FROM unnest($1::uuid[]) WITH ORDINALITY AS r("room_id", "ord")
       LEFT JOIN "history"."room_sequences" s ON s."room_id" = r."room_id"
       LEFT JOIN LATERAL (
         SELECT * FROM "history"."messages" x
         WHERE x."room_id" = r."room_id" AND x."deleted_at" IS NULL
         ORDER BY x."seq" DESC LIMIT 1
       ) m ON true
       ORDER BY r."ord"`,
      [roomIds],
    );
    return found.map((row) => ({
      roomId: row.summary_room_id,
      lastSeq: row.summary_last_seq === null ? 0 : Number(row.summary_last_seq),
      lastMessage: row.id ? toStored(row) : null,
    }));
  }

  /*
   * One prepared statement for the batch: per read a primary-key probe of room_sequences (the
   * clamp) and a forward scan of (room_id, seq) over at most READ_SPAN_MAX + 1 rows, reading no
   * content.
   */
  async readSpans(raw: ReadSpanQuery[]): Promise<ReadSpan[]> {
    const spans = prepareReadSpans(raw);
    if (spans.length === 0) return [];
    const found = await queryPrepared<{ last_seq: string; n: string; authors: string[] | null }>(
      this.dataSource,
      'history_read_spans',
      READ_SPANS_SQL,
      [
        spans.map((q) => q.roomId),
        spans.map((q) => q.afterSeq),
        spans.map((q) => q.seq),
        HistoryLimits.READ_SPAN_MAX + 1,
      ],
    );
    return found.map((row, i) => ({
      upTo: Math.min(spans[i].seq, Number(row.last_seq)),
      authors: Number(row.n) > HistoryLimits.READ_SPAN_MAX ? null : (row.authors ?? []),
    }));
  }

  /*
   * Served by the GIN (room_id, content gin_trgm_ops) index over live messages: the pattern's
   * trigrams and the room ids select candidates, ILIKE rechecks them. The query is matched
   * literally: LIKE wildcards in it are escaped, and LIKE has no other metacharacters.
   * Newest first by id (UUIDv7: creation order); the page continues below `beforeId`.
   */
  async search(q: SearchQuery): Promise<SearchPage> {
    const s = prepareSearch(q);
    if (s.rooms.length === 0) return { messages: [], hasMore: false };
    const roomIds = s.rooms.map((r) => r.roomId);
    const params: unknown[] = [`%${escapeLike(s.query)}%`];
    // A constant room condition (not a join) lets the planner put room_id into the GIN scan.
    params.push(roomIds.length === 1 ? roomIds[0] : roomIds);
    let where = `m."deleted_at" IS NULL AND m."content" ILIKE $1 ESCAPE '\\'
      AND m."room_id" = ${roomIds.length === 1 ? '$2::uuid' : 'ANY($2::uuid[])'}`;
    if (s.rooms.some((r) => r.visibleFrom)) {
      // Checked per candidate row, after the index has narrowed them down.
      params.push(
        roomIds,
        s.rooms.map((r) => r.visibleFrom ?? null),
      );
      where += ` AND m."created_at" >= COALESCE(
        (SELECT v."visible_from" FROM unnest($3::uuid[], $4::timestamptz[]) AS v("room_id", "visible_from")
         WHERE v."room_id" = m."room_id"), '-infinity'::timestamptz)`;
    }
    if (s.beforeId) {
      params.push(s.beforeId);
      where += ` AND m."id" < $${params.length}`;
    }
    const found = await rows<MessageRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM ${MESSAGES} WHERE ${where} ORDER BY m."id" DESC LIMIT ${s.limit + 1}`,
      params,
    );
    const messages = found.slice(0, s.limit).map(toStored);
    return { messages: await this.withReactions(messages, s.viewerId), hasMore: found.length > s.limit };
  }

  /** A range scan of (room_id, seq) after the cursor, skipping tombstones. */
  async exportPage(raw: ExportQuery): Promise<MessagePage> {
    const q = prepareExport(raw);
    const found = await rows<MessageRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM ${MESSAGES}
       WHERE m."room_id" = $1 AND m."seq" > $2 AND m."deleted_at" IS NULL
       ORDER BY m."seq" LIMIT ${q.limit + 1}`,
      [q.roomId, q.afterSeq],
    );
    return { messages: found.slice(0, q.limit).map(toStored), hasMore: found.length > q.limit };
  }

  async getRetention(roomId: string): Promise<number | null> {
    const [row] = await rows<{ days: number }>(
      this.dataSource,
      `SELECT "days" FROM "history"."room_retention" WHERE "room_id" = $1`,
      [prepareRoomId(roomId)],
    );
    return row ? Number(row.days) : null;
  }

  async setRetention(roomId: string, rawDays: number | null): Promise<void> {
    const id = prepareRoomId(roomId);
    const days = prepareRetentionDays(rawDays);
    if (days === null) {
      await this.dataSource.query(`DELETE FROM "history"."room_retention" WHERE "room_id" = $1`, [id]);
      return;
    }
    await this.dataSource.query(
      `INSERT INTO "history"."room_retention" ("room_id", "days", "updated_at") VALUES ($1, $2, now())
       ON CONFLICT ("room_id") DO UPDATE SET "days" = EXCLUDED."days", "updated_at" = now()`,
      [id, days],
    );
  }

  /*
   * Only the instance holding the advisory lock purges (pg_try_advisory_lock: the others skip
   * this round). Each statement deletes at most batchSize rows: for every room with messages,
   * the policy in force (its override, else the global days; 0 = keep) gives a cutoff, and a scan
   * of (room_id, created_at) below it finds the expired rows. Reactions go by ON DELETE CASCADE;
   * room_sequences stays, so seqs are never reused.
   */
  async purgeExpired(raw: PurgeInput): Promise<PurgeResult> {
    const input = preparePurge(raw);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = await rows<{ ok: boolean }>(runner, `SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [
        RETENTION_LOCK,
      ]);
      if (!lock.ok) return { ran: false, deleted: 0 };
      try {
        let deleted = 0;
        for (;;) {
          const [result] = await rows<{ n: number }>(
            runner,
            `WITH policy AS (
               SELECT s."room_id", COALESCE(r."days", $2::double precision) AS days
               FROM "history"."room_sequences" s
               LEFT JOIN "history"."room_retention" r ON r."room_id" = s."room_id"
             ), doomed AS (
               SELECT x."id" FROM policy p
               CROSS JOIN LATERAL (
                 SELECT m."id" FROM "history"."messages" m
                 WHERE m."room_id" = p."room_id"
                   AND m."created_at" < $1::timestamptz - make_interval(secs => p.days * 86400)
                 ORDER BY m."created_at" LIMIT $3
               ) x
               WHERE p.days > 0
               LIMIT $3
             ), gone AS (
               DELETE FROM "history"."messages" WHERE "id" IN (SELECT "id" FROM doomed) RETURNING 1
             )
             SELECT count(*)::int AS n FROM gone`,
            [input.now, input.globalDays, input.batchSize],
          );
          deleted += result.n;
          if (result.n < input.batchSize) break;
        }
        return { ran: true, deleted };
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [RETENTION_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  /** Primary key lookup on room_sequences. */
  async latestSeq(roomId: string): Promise<number> {
    const [row] = await rows<{ last_seq: string }>(
      this.dataSource,
      `SELECT "last_seq" FROM "history"."room_sequences" WHERE "room_id" = $1`,
      [prepareRoomId(roomId)],
    );
    return row ? Number(row.last_seq) : 0;
  }

  /**
   * New messages enter the search index's pending list (GIN fastupdate), which every search
   * scans in full; this merges the list into the index proper. Done here, apart from appends,
   * rather than inside whichever append fills the list: it costs about the CPU that merges of
   * 256 kB cost inside appends, but no append holds its rooms' sequence locks through it. Several
   * instances may call it at once: PostgreSQL lets one merge and the others then find it empty.
   */
  async mergeSearchIndex(): Promise<number> {
    if (!this.appendedSinceMerge) return 0;
    this.appendedSinceMerge = false;
    try {
      const [row] = await rows<{ pages: string }>(
        this.dataSource,
        `SELECT gin_clean_pending_list('"history"."messages_search_idx"'::regclass) AS "pages"`,
        [],
      );
      return Number(row.pages);
    } catch (err) {
      this.appendedSinceMerge = true;
      throw err;
    }
  }

  async ping(): Promise<boolean> {
    await this.dataSource.query('SELECT 1');
    return true;
  }

  /** Served by the unique (sender_id, client_msg_id) index. */
  private async findByClientKey(
    sql: Sql,
    senderId: string,
    clientMsgId: string,
  ): Promise<StoredMessage | null> {
    const [row] = await rows<MessageRow>(
      sql,
      `SELECT ${COLUMNS} FROM ${MESSAGES} WHERE m."sender_id" = $1 AND m."client_msg_id" = $2`,
      [senderId, clientMsgId],
    );
    return row ? toStored(row) : null;
  }

  /** Primary key lookup; a message of another room is as absent as an unknown one. */
  private async findInRoom(sql: Sql, roomId: string, id: string): Promise<StoredMessage | null> {
    const [row] = await rows<MessageRow>(
      sql,
      `SELECT ${COLUMNS} FROM ${MESSAGES} WHERE m."id" = $1 AND m."room_id" = $2`,
      [id, roomId],
    );
    return row ? toStored(row) : null;
  }

  private async lockLiveMessage(sql: Sql, input: ReactionInput): Promise<void> {
    const [row] = await rows<{ deleted_at: Date | null }>(
      sql,
      `SELECT m."deleted_at" FROM ${MESSAGES} WHERE m."id" = $1 AND m."room_id" = $2 FOR UPDATE`,
      [input.messageId, input.roomId],
    );
    if (!row) throw messageNotFound();
    if (row.deleted_at) throw messageDeleted();
  }

  private async databaseNow(): Promise<Date> {
    const [row] = await rows<{ now: Date }>(this.dataSource, `SELECT clock_timestamp() AS now`, []);
    return row.now;
  }

  /** Served by the reactions primary key (message_id first): one query per page. */
  private async reactionsOf(sql: Sql, messageId: string, viewerId?: string): Promise<ReactionCount[]> {
    return (await this.reactionMap(sql, [messageId], viewerId)).get(messageId) ?? [];
  }

  private async reactionMap(
    sql: Sql,
    ids: string[],
    viewerId?: string,
  ): Promise<Map<string, ReactionCount[]>> {
    const grouped = new Map<string, Array<{ emoji: string; count: number; me: boolean; first: Date }>>();
    if (ids.length === 0) return new Map();
    const found = await rows<{
      message_id: string;
      emoji: string;
      count: number;
      me: boolean | null;
      first: Date;
    }>(
      sql,
      `SELECT "message_id", "emoji", count(*)::int AS count, bool_or("user_id" = $2::uuid) AS me,
              min("created_at") AS first
       FROM "history"."reactions" WHERE "message_id" = ANY($1::uuid[])
       GROUP BY "message_id", "emoji"`,
      [ids, viewerId ?? null],
    );
    for (const r of found) {
      const list = grouped.get(r.message_id) ?? [];
      list.push({ emoji: r.emoji, count: r.count, me: r.me === true, first: r.first });
      grouped.set(r.message_id, list);
    }
    return new Map([...grouped].map(([id, list]) => [id, sortReactions(list)]));
  }

  private async withReactions(messages: StoredMessage[], viewerId?: string): Promise<StoredMessage[]> {
    const live = messages.filter((m) => !m.deletedAt).map((m) => m.id);
    const map = await this.reactionMap(this.dataSource, live, viewerId);
    return messages.map((m) => ({ ...m, reactions: map.get(m.id) ?? [] }));
  }
}

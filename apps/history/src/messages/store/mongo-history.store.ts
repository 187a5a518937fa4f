import { OnApplicationShutdown } from '@nestjs/common';
import {
  ClientSession,
  Collection,
  Db,
  Filter,
  MongoClient,
  MongoServerError,
  ReadConcern,
  ReadPreference,
  TransactionOptions,
  WriteConcern,
} from 'mongodb';
import { HistoryLimits, MessageKind } from '@app/contracts';
import { uuidv7 } from '@app/common';
import {
  AppendInput,
  AppendResult,
  DeleteInput,
  DeleteResult,
  deleteRefusal,
  EditInput,
  EditResult,
  editRefusal,
  escapeRegExp,
  ExportQuery,
  HistoryStore,
  MessagePage,
  messageDeleted,
  messageNotFound,
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

export interface MessageDoc {
  _id: string;
  roomId: string;
  seq: number;
  senderId: string;
  kind: MessageKind;
  content: string;
  clientMsgId: string;
  createdAt: Date;
  attachments?: StoredAttachment[];
  editedAt?: Date | null;
  deletedAt?: Date | null;
  replyToId?: string | null;
  effects?: string[];
  /** Distinct lower-case trigrams of the content (search); absent on tombstones. */
  searchGrams?: string[];
  /** Bumped by every reaction change, so concurrent changes to one message conflict and take turns. */
  reactionVersion?: number;
}

interface RoomSequenceDoc {
  _id: string;
  lastSeq: number;
}

interface ReactionDoc {
  _id: string;
  messageId: string;
  userId: string;
  emoji: string;
  roomId: string;
  createdAt: Date;
}

interface RetentionDoc {
  _id: string;
  days: number;
  updatedAt: Date;
}

interface LockDoc {
  _id: string;
  until: Date;
  holder: string;
}

const MESSAGES = 'messages';
const ROOM_SEQUENCES = 'room_sequences';
const REACTIONS = 'reactions';
const ROOM_RETENTION = 'room_retention';
const LOCKS = 'locks';
const ROOM_SEQ_INDEX = 'roomId_1_seq_1';
const CLIENT_KEY_INDEX = 'senderId_1_clientMsgId_1';
const DUPLICATE_KEY = 11000;
const NAMESPACE_EXISTS = 48;
/** Rounds for the rare races withTransaction does not retry itself (see append). */
const MAX_ATTEMPTS = 5;
/** A retention run longer than this may overlap the next instance's; deleting twice is harmless. */
const RETENTION_LEASE_MS = 10 * 60_000;
const RETENTION_LOCK = 'retention';
/** Trigram arrays are for the index only; reads leave them on the server. */
const NO_GRAMS = { searchGrams: 0, reactionVersion: 0 } as const;

/** Trigram sets larger than this are not stored: the message is then matched by a scan (see searchGrams). */
const MAX_GRAMS = 4096;
/** Stands for "too many trigrams to index": such messages are candidates for every query. */
export const UNINDEXED_GRAMS = '*all*';

const TRANSACTION: TransactionOptions = {
  readConcern: new ReadConcern('snapshot'),
  writeConcern: new WriteConcern('majority'),
  readPreference: ReadPreference.primary,
};

/**
 * The distinct trigrams (of code points, lower case) of a text. A query of three or more
 * characters can only be contained in a message holding all of the query's trigrams, so
 * `{searchGrams: {$all: trigrams(query)}}` narrows candidates by index, for Hangul as for Latin
 * text (MongoDB's own text index has no Korean tokenizer). Candidates are then checked exactly.
 */
export function trigrams(text: string, max = Number.POSITIVE_INFINITY): string[] | null {
  const chars = Array.from(text.toLowerCase());
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) {
    grams.add(chars[i] + chars[i + 1] + chars[i + 2]);
    if (grams.size > max) return null;
  }
  return [...grams];
}

export function searchGrams(content: string): string[] {
  return trigrams(content, MAX_GRAMS) ?? [UNINDEXED_GRAMS];
}

function toStored(d: MessageDoc): StoredMessage {
  return {
    id: d._id,
    roomId: d.roomId,
    seq: Number(d.seq),
    senderId: d.senderId,
    kind: d.kind,
    content: d.content,
    clientMsgId: d.clientMsgId,
    createdAt: d.createdAt,
    attachments: d.attachments ?? [],
    editedAt: d.editedAt ?? null,
    deletedAt: d.deletedAt ?? null,
    replyToId: d.replyToId ?? null,
    effects: d.effects ?? [],
  };
}

/** Which unique index a duplicate-key error hit, if it is one. */
function duplicateKeyOn(err: unknown): 'client-key' | 'id' | 'room-seq' | null {
  if (!(err instanceof MongoServerError) || err.code !== DUPLICATE_KEY) return null;
  const pattern = (err.keyPattern ?? {}) as Record<string, unknown>;
  const text = err.message ?? '';
  if ('clientMsgId' in pattern || text.includes(CLIENT_KEY_INDEX)) return 'client-key';
  if ('seq' in pattern || text.includes(ROOM_SEQ_INDEX)) return 'room-seq';
  return '_id' in pattern || text.includes('_id_') ? 'id' : null;
}

/**
 * The MongoDB message log. Needs a replica set (appends are transactions). Collections and the
 * indexes each query uses:
 * - `messages` {_id: id, roomId, seq, ...}:
 *   - unique {roomId, seq}: every page by seq (latest/before/after/around), the summary's
 *     newest live message per room, export pages;
 *   - unique {senderId, clientMsgId}: the idempotency lookup;
 *   - {roomId, createdAt, seq}: date ranges and replay (one range, already in order), retention;
 *   - {roomId, searchGrams} (multikey): search candidates by room and trigram.
 * - `room_sequences` {_id: roomId, lastSeq}: the seq counter (its write conflicts serialise appends).
 * - `reactions` {messageId, userId, emoji, roomId, createdAt}: unique {messageId, userId, emoji}
 *   is one per person per emoji and serves counting by message.
 * - `room_retention` {_id: roomId, days}; `locks` {_id: name, until, holder}: the retention lease.
 */
export class MongoHistoryStore implements HistoryStore, OnApplicationShutdown {
  readonly name = 'mongodb' as const;
  private readonly messages: Collection<MessageDoc>;
  private readonly sequences: Collection<RoomSequenceDoc>;
  private readonly reactions: Collection<ReactionDoc>;
  private readonly retention: Collection<RetentionDoc>;
  private readonly locks: Collection<LockDoc>;
  private readonly instanceId = uuidv7();

  constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {
    this.messages = db.collection<MessageDoc>(MESSAGES);
    this.sequences = db.collection<RoomSequenceDoc>(ROOM_SEQUENCES);
    this.reactions = db.collection<ReactionDoc>(REACTIONS);
    this.retention = db.collection<RetentionDoc>(ROOM_RETENTION);
    this.locks = db.collection<LockDoc>(LOCKS);
  }

  /** Connect, create collections and indexes, and hand back a ready store. */
  static async connect(url: string, dbName: string): Promise<MongoHistoryStore> {
    const client = new MongoClient(url, {
      appName: 'happychat-history',
      writeConcern: { w: 'majority' },
      readConcern: { level: 'majority' },
      readPreference: 'primary',
    });
    await client.connect();
    const store = new MongoHistoryStore(client, client.db(dbName));
    try {
      await store.init();
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
    return store;
  }

  /** Idempotent: safe for every instance to run at start. */
  async init(): Promise<void> {
    // Created up front: creating a collection implicitly inside a transaction needs read concern
    // "local" and is refused on sharded clusters.
    for (const name of [MESSAGES, ROOM_SEQUENCES, REACTIONS, ROOM_RETENTION, LOCKS]) {
      await this.db.createCollection(name).catch((err: unknown) => {
        if (!(err instanceof MongoServerError && err.code === NAMESPACE_EXISTS)) throw err;
      });
    }
    await this.messages.createIndexes([
      { key: { roomId: 1, seq: 1 }, name: ROOM_SEQ_INDEX, unique: true },
      { key: { senderId: 1, clientMsgId: 1 }, name: CLIENT_KEY_INDEX, unique: true },
      { key: { roomId: 1, createdAt: 1, seq: 1 }, name: 'roomId_1_createdAt_1_seq_1' },
      { key: { roomId: 1, searchGrams: 1 }, name: 'roomId_1_searchGrams_1' },
    ]);
    await this.reactions.createIndexes([
      { key: { messageId: 1, userId: 1, emoji: 1 }, name: 'messageId_1_userId_1_emoji_1', unique: true },
    ]);
    await this.backfillSearchGrams();
  }

  /**
   * Messages stored before search existed have no trigrams and would never be found. Filled in
   * once (a marker in `locks` says it was done); safe to run in several instances at once.
   */
  private async backfillSearchGrams(): Promise<void> {
    const MARKER = 'searchGramsBackfill';
    if (await this.locks.findOne({ _id: MARKER })) return;
    let batch: Array<{ id: string; grams: string[] }> = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await this.messages.bulkWrite(
        batch.map(({ id, grams }) => ({
          updateOne: {
            filter: { _id: id, searchGrams: { $exists: false } },
            update: { $set: { searchGrams: grams } },
          },
        })),
        { ordered: false },
      );
      batch = [];
    };
    const missing = this.messages.find(
      { searchGrams: { $exists: false }, deletedAt: null },
      { projection: { content: 1 } },
    );
    for await (const doc of missing) {
      batch.push({ id: doc._id, grams: searchGrams(doc.content) });
      if (batch.length >= 1000) await flush();
    }
    await flush();
    await this.locks
      .updateOne(
        { _id: MARKER },
        { $set: { until: new Date(8_640_000_000_000_000), holder: this.instanceId } },
        { upsert: true },
      )
      .catch((err: unknown) => {
        // Another instance finished the same backfill at the same moment.
        if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw err;
      });
  }

  async append(raw: AppendInput): Promise<AppendResult> {
    const input = prepareAppend(raw);
    const session = this.client.startSession();
    try {
      for (let attempt = 1; ; attempt++) {
        let existing: StoredMessage | null;
        try {
          const outcome = await this.appendOnce(session, input);
          if (!outcome.duplicate) return outcome;
          existing = outcome.message;
        } catch (err) {
          const on = duplicateKeyOn(err);
          if (on === 'client-key') {
            // Another caller stored the same key after our snapshot; our abort gave the seq back.
            existing = await this.findByClientKey(input.senderId, input.clientMsgId);
          } else if (on === 'id') {
            existing = null; // a first append to a new room raced ours to create its counter
          } else {
            throw err;
          }
          // The winner is not visible to a majority read yet (its commit is still replicating).
          if (!existing && attempt < MAX_ATTEMPTS) {
            await new Promise((r) => setTimeout(r, 5 * attempt));
            continue;
          }
          if (!existing) throw err;
        }
        const repeat = resolveRepeat(existing, input);
        return { ...repeat, message: (await this.withReactions([repeat.message], input.senderId))[0] };
      }
    } finally {
      await session.endSession();
    }
  }

  /**
   * One transaction: look the key up, check the reply target, take the room's next seq, insert.
   * Concurrent appends to one room all write its counter document: the later ones get a write
   * conflict (a TransientTransactionError) and withTransaction runs them again from the start,
   * so a seq is taken only after the previous holder committed. An abort undoes the $inc: no gaps.
   */
  private async appendOnce(session: ClientSession, input: AppendInput): Promise<AppendResult> {
    return session.withTransaction(async () => {
      const found = await this.messages.findOne(
        { senderId: input.senderId, clientMsgId: input.clientMsgId },
        { session },
      );
      if (found) return { message: toStored(found), duplicate: true };
      if (input.replyToId) {
        const target = await this.messages.findOne(
          { _id: input.replyToId, roomId: input.roomId },
          { session, projection: { _id: 1 } },
        );
        if (!target) throw messageNotFound('replyToId');
      }
      const counter = await this.sequences.findOneAndUpdate(
        { _id: input.roomId },
        { $inc: { lastSeq: 1 } },
        { upsert: true, returnDocument: 'after', session },
      );
      if (!counter) throw new Error('room_sequences upsert returned no document');
      const doc: MessageDoc = {
        // Made after the seq is taken, so ids rise with seq (see HistoryStore).
        _id: uuidv7(),
        roomId: input.roomId,
        seq: Number(counter.lastSeq),
        senderId: input.senderId,
        kind: input.kind,
        content: input.content,
        clientMsgId: input.clientMsgId,
        createdAt: new Date(),
        attachments: input.attachments ?? [],
        editedAt: null,
        deletedAt: null,
        replyToId: input.replyToId ?? null,
        effects: input.effects ?? [],
        searchGrams: searchGrams(input.content),
      };
      await this.messages.insertOne(doc, { session });
      return { message: { ...toStored(doc), reactions: [] }, duplicate: false };
    }, TRANSACTION);
  }

  /** One range scan of {roomId: 1, seq: 1} per page (two for around), reading limit + 1 documents. */
  async page(q: PageQuery): Promise<MessagePage> {
    const prepared = preparePage(q);
    const { roomId, direction, limit, viewerId, visibleFrom } = prepared;
    const visible = visibleFrom ? { createdAt: { $gte: visibleFrom } } : {};
    const scan = (cmp: '$lt' | '$gt', seq: number, n: number) =>
      this.messages
        .find({ roomId, seq: { [cmp]: seq }, ...visible }, { projection: NO_GRAMS })
        .sort({ seq: cmp === '$lt' ? -1 : 1 })
        .limit(n)
        .toArray();
    if (direction.kind === 'around') {
      const doc = await this.messages.findOne({ _id: direction.id, roomId });
      if (!doc || (visibleFrom && doc.createdAt < visibleFrom)) throw messageNotFound('aroundId');
      const [older, newer] = await Promise.all([
        scan('$lt', doc.seq, direction.older + 1),
        scan('$gt', doc.seq, direction.newer + 1),
      ]);
      const page = toAroundPage(older.map(toStored), toStored(doc), newer.map(toStored), direction);
      return { ...page, messages: await this.withReactions(page.messages, viewerId) };
    }
    const filter =
      direction.kind === 'latest'
        ? { roomId, ...visible }
        : {
            roomId,
            seq: direction.kind === 'before' ? { $lt: direction.seq } : { $gt: direction.seq },
            ...visible,
          };
    const docs = await this.messages
      .find(filter, { projection: NO_GRAMS })
      .sort({ seq: direction.kind === 'after' ? 1 : -1 })
      .limit(limit + 1)
      .toArray();
    const page = toPage(docs.map(toStored), prepared);
    return { ...page, messages: await this.withReactions(page.messages, viewerId) };
  }

  /** One range of {roomId, createdAt, seq}; a continuation starts at afterSeq's createdAt. */
  async range(q: RangeQuery): Promise<MessagePage> {
    const r = prepareRange(q);
    let from = r.effectiveFrom;
    const filter: Filter<MessageDoc> = { roomId: r.roomId };
    if (r.afterSeq !== undefined) {
      const last = await this.messages.findOne(
        { roomId: r.roomId, seq: r.afterSeq },
        { projection: { createdAt: 1 } },
      );
      if (last && last.createdAt > from) from = last.createdAt;
      filter.seq = { $gt: r.afterSeq };
    }
    filter.createdAt = { $gte: from, $lt: r.to };
    if (!r.includeDeleted) filter.deletedAt = null;
    const docs = await this.messages
      .find(filter, { projection: NO_GRAMS })
      .sort({ createdAt: 1, seq: 1 })
      .limit(r.limit + 1)
      .toArray();
    const messages = docs.slice(0, r.limit).map(toStored);
    return { messages: await this.withReactions(messages, r.viewerId), hasMore: docs.length > r.limit };
  }

  /** One conditional update by _id; when it matches nothing, one read says why. */
  async edit(raw: EditInput): Promise<EditResult> {
    const input = prepareEdit(raw);
    const now = new Date();
    const updated = await this.messages.findOneAndUpdate(
      {
        _id: input.messageId,
        roomId: input.roomId,
        senderId: input.actorId,
        deletedAt: null,
        createdAt: { $gt: new Date(now.getTime() - input.windowSeconds * 1000) },
        content: { $ne: input.content },
      },
      { $set: { content: input.content, editedAt: now, searchGrams: searchGrams(input.content) } },
      { returnDocument: 'after' },
    );
    if (updated) {
      const [message] = await this.withReactions([toStored(updated)], input.actorId);
      return { message, changed: true };
    }
    const current = await this.messages.findOne({ _id: input.messageId, roomId: input.roomId });
    const stored = current ? toStored(current) : null;
    const refusal = editRefusal(stored, input, now);
    if (refusal) throw refusal;
    const [message] = await this.withReactions([stored as StoredMessage], input.actorId);
    return { message, changed: false };
  }

  /** Tombstone and reaction removal in one transaction. */
  async delete(raw: DeleteInput): Promise<DeleteResult> {
    const input = prepareDelete(raw);
    const session = this.client.startSession();
    try {
      return await session.withTransaction(async () => {
        const updated = await this.messages.findOneAndUpdate(
          {
            _id: input.messageId,
            roomId: input.roomId,
            deletedAt: null,
            ...(input.moderator ? {} : { senderId: input.actorId }),
          },
          { $set: { content: '', attachments: [], deletedAt: new Date() }, $unset: { searchGrams: '' } },
          { returnDocument: 'after', session },
        );
        if (updated) {
          await this.reactions.deleteMany({ messageId: input.messageId }, { session });
          return { message: { ...toStored(updated), reactions: [] }, changed: true };
        }
        const current = await this.messages.findOne(
          { _id: input.messageId, roomId: input.roomId },
          { session },
        );
        const stored = current ? toStored(current) : null;
        const refusal = deleteRefusal(stored, input);
        if (refusal) throw refusal;
        return { message: { ...(stored as StoredMessage), reactions: [] }, changed: false };
      }, TRANSACTION);
    } finally {
      await session.endSession();
    }
  }

  async addReaction(raw: ReactionInput): Promise<ReactionResult> {
    const input = prepareReaction(raw);
    return this.reactionChange(input, async (session) => {
      const mine = await this.reactions
        .find({ messageId: input.messageId, userId: input.userId }, { session, projection: { emoji: 1 } })
        .toArray();
      if (mine.some((r) => r.emoji === input.emoji)) return false;
      if (mine.length >= HistoryLimits.REACTIONS_PER_USER_MAX) throw tooManyReactions();
      await this.reactions.insertOne(
        {
          _id: uuidv7(),
          messageId: input.messageId,
          userId: input.userId,
          emoji: input.emoji,
          roomId: input.roomId,
          createdAt: new Date(),
        },
        { session },
      );
      return true;
    });
  }

  async removeReaction(raw: ReactionInput): Promise<ReactionResult> {
    const input = prepareReaction(raw);
    return this.reactionChange(
      input,
      async (session) => {
        const { deletedCount } = await this.reactions.deleteOne(
          { messageId: input.messageId, userId: input.userId, emoji: input.emoji },
          { session },
        );
        return deletedCount > 0;
      },
      true,
    );
  }

  /**
   * Bumps the message's reactionVersion inside the transaction: two changes to one message (or a
   * change and a delete) write the same document, so one of them conflicts and is retried after
   * the other committed. That keeps the per-user cap and leaves no reaction on a tombstone.
   */
  private async reactionChange(
    input: ReactionInput,
    change: (session: ClientSession) => Promise<boolean>,
    allowDeleted = false,
  ): Promise<ReactionResult> {
    const session = this.client.startSession();
    try {
      return await session.withTransaction(async () => {
        const touched = await this.messages.findOneAndUpdate(
          { _id: input.messageId, roomId: input.roomId },
          { $inc: { reactionVersion: 1 } },
          { session, projection: { deletedAt: 1 }, returnDocument: 'after' },
        );
        if (!touched) throw messageNotFound();
        if (touched.deletedAt && !allowDeleted) throw messageDeleted();
        const changed = await change(session);
        const map = await this.reactionMap([input.messageId], input.userId, session);
        return { reactions: map.get(input.messageId) ?? [], changed };
      }, TRANSACTION);
    } finally {
      await session.endSession();
    }
  }

  /**
   * One aggregation for the batch: per room id, a lookup of its counter and of its newest live
   * message (a backward walk of {roomId, seq}), in the order asked.
   */
  async summary(raw: string[]): Promise<RoomSummary[]> {
    const roomIds = prepareSummary(raw);
    if (roomIds.length === 0) return [];
    const out = await this.db
      .aggregate<{ roomId: string; seq: RoomSequenceDoc[]; last: MessageDoc[] }>([
        { $documents: roomIds.map((roomId, ord) => ({ roomId, ord })) },
        { $lookup: { from: ROOM_SEQUENCES, localField: 'roomId', foreignField: '_id', as: 'seq' } },
        {
          $lookup: {
            from: MESSAGES,
            let: { room: '$roomId' },
            pipeline: [
              { $match: { $expr: { $eq: ['$roomId', '$$room'] } } },
              { $match: { deletedAt: null } },
              { $sort: { seq: -1 } },
              { $limit: 1 },
            ],
            as: 'last',
          },
        },
        { $sort: { ord: 1 } },
      ])
      .toArray();
    return out.map((row) => ({
      roomId: row.roomId,
      lastSeq: row.seq[0] ? Number(row.seq[0].lastSeq) : 0,
      lastMessage: row.last[0] ? toStored(row.last[0]) : null,
    }));
  }

  /** Per read a find on { roomId, seq } over at most READ_SPAN_MAX + 1 documents, projected to sender and kind. */
  async readSpans(raw: ReadSpanQuery[]): Promise<ReadSpan[]> {
    const spans = prepareReadSpans(raw);
    if (spans.length === 0) return [];
    const rooms = [...new Set(spans.map((q) => q.roomId))];
    const newest = new Map(
      (await this.sequences.find({ _id: { $in: rooms } }).toArray()).map((d) => [d._id, Number(d.lastSeq)]),
    );
    return Promise.all(
      spans.map(async (q) => {
        const docs = await this.messages
          .find(
            { roomId: q.roomId, seq: { $gt: q.afterSeq, $lte: q.seq } },
            { projection: { _id: 0, senderId: 1, kind: 1, deletedAt: 1 } },
          )
          .sort({ seq: 1 })
          .limit(HistoryLimits.READ_SPAN_MAX + 1)
          .toArray();
        const authors = new Set<string>();
        for (const d of docs) if (d.kind !== 'system' && !d.deletedAt) authors.add(d.senderId);
        return {
          upTo: Math.min(q.seq, newest.get(q.roomId) ?? 0),
          authors: docs.length > HistoryLimits.READ_SPAN_MAX ? null : [...authors],
        };
      }),
    );
  }

  /**
   * Candidates by {roomId, searchGrams} (all the query's trigrams, or the "unindexed" marker for
   * huge messages), then an exact, case-insensitive check with the query escaped into a literal
   * regular expression. Queries under three characters have no trigram: they are checked by
   * regular expression over the rooms' messages (roomId prefix of the index). Newest first by _id.
   */
  async search(q: SearchQuery): Promise<SearchPage> {
    const s = prepareSearch(q);
    if (s.rooms.length === 0) return { messages: [], hasMore: false };
    const open = s.rooms.filter((r) => !r.visibleFrom).map((r) => r.roomId);
    const limited = s.rooms.filter((r) => r.visibleFrom);
    const scopes: Filter<MessageDoc>[] = [
      ...(open.length ? [{ roomId: { $in: open } }] : []),
      ...limited.map((r) => ({ roomId: r.roomId, createdAt: { $gte: r.visibleFrom as Date } })),
    ];
    const grams = trigrams(s.needle) ?? [];
    const and: Filter<MessageDoc>[] = [{ $or: scopes }];
    if (grams.length > 0)
      and.push({ $or: [{ searchGrams: { $all: grams } }, { searchGrams: UNINDEXED_GRAMS }] });
    const filter: Filter<MessageDoc> = {
      $and: and,
      deletedAt: null,
      content: { $regex: escapeRegExp(s.query), $options: 'i' },
      ...(s.beforeId ? { _id: { $lt: s.beforeId } } : {}),
    };
    const docs = await this.messages
      .find(filter, { projection: NO_GRAMS })
      .sort({ _id: -1 })
      .limit(s.limit + 1)
      .toArray();
    const messages = docs.slice(0, s.limit).map(toStored);
    return { messages: await this.withReactions(messages, s.viewerId), hasMore: docs.length > s.limit };
  }

  async exportPage(raw: ExportQuery): Promise<MessagePage> {
    const q = prepareExport(raw);
    const docs = await this.messages
      .find({ roomId: q.roomId, seq: { $gt: q.afterSeq }, deletedAt: null }, { projection: NO_GRAMS })
      .sort({ seq: 1 })
      .limit(q.limit + 1)
      .toArray();
    return { messages: docs.slice(0, q.limit).map(toStored), hasMore: docs.length > q.limit };
  }

  async getRetention(roomId: string): Promise<number | null> {
    const doc = await this.retention.findOne({ _id: prepareRoomId(roomId) });
    return doc ? Number(doc.days) : null;
  }

  async setRetention(roomId: string, rawDays: number | null): Promise<void> {
    const id = prepareRoomId(roomId);
    const days = prepareRetentionDays(rawDays);
    if (days === null) {
      await this.retention.deleteOne({ _id: id });
      return;
    }
    await this.retention.updateOne({ _id: id }, { $set: { days, updatedAt: new Date() } }, { upsert: true });
  }

  /**
   * Only the holder of the `locks` lease purges: taking it is an upsert that matches an expired
   * lease only, so while another instance holds it the upsert collides on _id and this one skips.
   * Per room, the policy in force (override, else global; 0 = keep) gives a cutoff; expired
   * messages are found on {roomId, createdAt, seq} in batches and deleted with their reactions.
   */
  async purgeExpired(raw: PurgeInput): Promise<PurgeResult> {
    const input = preparePurge(raw);
    const taken = new Date();
    try {
      await this.locks.findOneAndUpdate(
        { _id: RETENTION_LOCK, until: { $lt: taken } },
        { $set: { until: new Date(taken.getTime() + RETENTION_LEASE_MS), holder: this.instanceId } },
        { upsert: true },
      );
    } catch (err) {
      if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) return { ran: false, deleted: 0 };
      throw err;
    }
    try {
      const overrides = new Map<string, number>();
      for await (const doc of this.retention.find({})) overrides.set(doc._id, Number(doc.days));
      let deleted = 0;
      for await (const room of this.sequences.find({}, { projection: { _id: 1 } })) {
        const days = overrides.get(room._id) ?? input.globalDays;
        if (days <= 0) continue;
        const cutoff = new Date(input.now.getTime() - days * 86_400_000);
        for (;;) {
          const ids = (
            await this.messages
              .find({ roomId: room._id, createdAt: { $lt: cutoff } }, { projection: { _id: 1 } })
              .sort({ createdAt: 1 })
              .limit(input.batchSize)
              .toArray()
          ).map((d) => d._id);
          if (ids.length === 0) break;
          await this.reactions.deleteMany({ messageId: { $in: ids } });
          deleted += (await this.messages.deleteMany({ _id: { $in: ids } })).deletedCount;
          if (ids.length < input.batchSize) break;
        }
      }
      return { ran: true, deleted };
    } finally {
      await this.locks.updateOne(
        { _id: RETENTION_LOCK, holder: this.instanceId },
        { $set: { until: new Date(0) } },
      );
    }
  }

  async latestSeq(roomId: string): Promise<number> {
    const doc = await this.sequences.findOne({ _id: prepareRoomId(roomId) });
    return doc ? Number(doc.lastSeq) : 0;
  }

  /** MongoDB updates its indexes within each write: there is nothing waiting to be merged. */
  async mergeSearchIndex(): Promise<number> {
    return 0;
  }

  async ping(): Promise<boolean> {
    const res = await this.db.command({ ping: 1 });
    return res.ok === 1;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async findByClientKey(senderId: string, clientMsgId: string): Promise<StoredMessage | null> {
    const doc = await this.messages.findOne({ senderId, clientMsgId });
    return doc ? toStored(doc) : null;
  }

  /** Grouped on {messageId, ...}: one aggregation per page. */
  private async reactionMap(
    ids: string[],
    viewerId?: string,
    session?: ClientSession,
  ): Promise<Map<string, ReactionCount[]>> {
    if (ids.length === 0) return new Map();
    const found = await this.reactions
      .aggregate<{ _id: { m: string; e: string }; count: number; me: boolean; first: Date }>(
        [
          { $match: { messageId: { $in: ids } } },
          {
            $group: {
              _id: { m: '$messageId', e: '$emoji' },
              count: { $sum: 1 },
              me: { $max: { $eq: ['$userId', viewerId ?? null] } },
              first: { $min: '$createdAt' },
            },
          },
        ],
        { session },
      )
      .toArray();
    const grouped = new Map<string, Array<{ emoji: string; count: number; me: boolean; first: Date }>>();
    for (const r of found) {
      const list = grouped.get(r._id.m) ?? [];
      list.push({ emoji: r._id.e, count: r.count, me: r.me === true, first: r.first });
      grouped.set(r._id.m, list);
    }
    return new Map([...grouped].map(([id, list]) => [id, sortReactions(list)]));
  }

  private async withReactions(messages: StoredMessage[], viewerId?: string): Promise<StoredMessage[]> {
    const live = messages.filter((m) => !m.deletedAt).map((m) => m.id);
    const map = await this.reactionMap(live, viewerId);
    return messages.map((m) => ({ ...m, reactions: map.get(m.id) ?? [] }));
  }
}

import { OnApplicationShutdown } from '@nestjs/common';
import {
  ClientSession,
  Collection,
  Db,
  MongoClient,
  MongoServerError,
  ReadConcern,
  ReadPreference,
  TransactionOptions,
  WriteConcern,
} from 'mongodb';
import type { MessageKind } from '@app/contracts';
import { uuidv7 } from '@app/common';
import {
  AppendInput,
  AppendResult,
  HistoryStore,
  MessagePage,
  PageQuery,
  prepareAppend,
  preparePage,
  prepareRoomId,
  resolveRepeat,
  StoredMessage,
  toPage,
} from './history-store';

interface MessageDoc {
  _id: string;
  roomId: string;
  seq: number;
  senderId: string;
  kind: MessageKind;
  content: string;
  clientMsgId: string;
  createdAt: Date;
}

interface RoomSequenceDoc {
  _id: string;
  lastSeq: number;
}

const MESSAGES = 'messages';
const ROOM_SEQUENCES = 'room_sequences';
const ROOM_SEQ_INDEX = 'roomId_1_seq_1';
const CLIENT_KEY_INDEX = 'senderId_1_clientMsgId_1';
const DUPLICATE_KEY = 11000;
const NAMESPACE_EXISTS = 48;
/** Rounds for the rare races withTransaction does not retry itself (see append). */
const MAX_ATTEMPTS = 5;

const TRANSACTION: TransactionOptions = {
  readConcern: new ReadConcern('snapshot'),
  writeConcern: new WriteConcern('majority'),
  readPreference: ReadPreference.primary,
};

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
 * The MongoDB message log. Needs a replica set (appends are transactions). Collections:
 * `messages` ({_id: id, roomId, seq, ...}; unique {roomId, seq} serves every page read, unique
 * {senderId, clientMsgId} the idempotency lookup) and `room_sequences` ({_id: roomId, lastSeq}).
 */
export class MongoHistoryStore implements HistoryStore, OnApplicationShutdown {
  readonly name = 'mongodb' as const;
  private readonly messages: Collection<MessageDoc>;
  private readonly sequences: Collection<RoomSequenceDoc>;

  constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {
    this.messages = db.collection<MessageDoc>(MESSAGES);
    this.sequences = db.collection<RoomSequenceDoc>(ROOM_SEQUENCES);
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
    for (const name of [MESSAGES, ROOM_SEQUENCES]) {
      await this.db.createCollection(name).catch((err: unknown) => {
        if (!(err instanceof MongoServerError && err.code === NAMESPACE_EXISTS)) throw err;
      });
    }
    await this.messages.createIndexes([
      { key: { roomId: 1, seq: 1 }, name: ROOM_SEQ_INDEX, unique: true },
      { key: { senderId: 1, clientMsgId: 1 }, name: CLIENT_KEY_INDEX, unique: true },
    ]);
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
        return resolveRepeat(existing, input);
      }
    } finally {
      await session.endSession();
    }
  }

  /**
   * One transaction: look the key up, take the room's next seq, insert. Concurrent appends to one
   * room all write its counter document: the later ones get a write conflict (a
   * TransientTransactionError) and withTransaction runs them again from the start, so a seq is
   * taken only after the previous holder committed. An abort undoes the $inc: no gaps.
   */
  private async appendOnce(session: ClientSession, input: AppendInput): Promise<AppendResult> {
    return session.withTransaction(async () => {
      const found = await this.messages.findOne(
        { senderId: input.senderId, clientMsgId: input.clientMsgId },
        { session },
      );
      if (found) return { message: toStored(found), duplicate: true };
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
      };
      await this.messages.insertOne(doc, { session });
      return { message: toStored(doc), duplicate: false };
    }, TRANSACTION);
  }

  /** One range scan of {roomId: 1, seq: 1} per page, reading limit + 1 documents. */
  async page(q: PageQuery): Promise<MessagePage> {
    const prepared = preparePage(q);
    const { roomId, direction, limit } = prepared;
    const filter =
      direction.kind === 'latest'
        ? { roomId }
        : { roomId, seq: direction.kind === 'before' ? { $lt: direction.seq } : { $gt: direction.seq } };
    const docs = await this.messages
      .find(filter)
      .sort({ seq: direction.kind === 'after' ? 1 : -1 })
      .limit(limit + 1)
      .toArray();
    return toPage(docs.map(toStored), prepared);
  }

  async latestSeq(roomId: string): Promise<number> {
    const doc = await this.sequences.findOne({ _id: prepareRoomId(roomId) });
    return doc ? Number(doc.lastSeq) : 0;
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
}

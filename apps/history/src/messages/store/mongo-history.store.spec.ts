import { Db, MongoClient, MongoServerError } from 'mongodb';
import { HistoryErrorCode } from '@app/contracts';
import { MongoHistoryStore, searchGrams, trigrams, UNINDEXED_GRAMS } from './mongo-history.store';

/*
 * MongoDB itself is exercised by the contract suite (mongo-history.store.int-spec.ts) wherever
 * TEST_MONGO_URL points at a replica set. These stubs pin down only the store's own control flow
 * around the races the server reports: which errors mean "duplicate", which mean "try again".
 */

const roomId = '0190f5c2-7c1a-7000-8000-000000000001';
const senderId = '0190f5c2-7c1a-7000-8000-000000000002';
const input = { roomId, senderId, clientMsgId: 'c1', kind: 'text' as const, content: 'hi' };

function duplicateKey(keyPattern: Record<string, number>, index: string): MongoServerError {
  const err = new MongoServerError({
    message: `E11000 duplicate key error collection: t.x index: ${index} dup key: {}`,
  });
  err.code = 11000;
  err.keyPattern = keyPattern;
  return err;
}

interface Doc {
  _id: string;
  [key: string]: unknown;
}

class FakeMongo {
  lastSeq = 0;
  transactions = 0;
  sessionsEnded = 0;
  /** Thrown by the next counter update / message insert inside a transaction, once. */
  counterError?: Error;
  insertError?: Error;
  /** What a lookup finds: inside the transaction (snapshot) and outside it. */
  inSnapshot: Doc | null = null;
  committed: Doc | null = null;
  inserted: Doc[] = [];
  lastFind?: { filter: unknown; sort: unknown; limit: number };

  readonly client = {
    startSession: () => ({
      withTransaction: async <T>(fn: () => Promise<T>) => {
        this.transactions++;
        return fn();
      },
      endSession: async () => {
        this.sessionsEnded++;
      },
    }),
  };

  readonly db = {
    collection: (name: string) =>
      name === 'messages' ? this.messages : name === 'reactions' ? this.reactionsCollection : this.sequences,
    command: async () => ({ ok: 1 }),
  };

  private readonly messages = {
    findOne: async (_filter: unknown, options?: { session?: unknown }) =>
      options?.session ? this.inSnapshot : this.committed,
    insertOne: async (doc: Doc) => {
      const err = this.insertError;
      this.insertError = undefined;
      if (err) throw err;
      this.inserted.push(doc);
    },
    find: (filter: unknown) => {
      const cursor = {
        sort: (sort: unknown) => ({
          limit: (limit: number) => ({
            toArray: async () => {
              this.lastFind = { filter, sort, limit };
              return [];
            },
          }),
        }),
      };
      return cursor;
    },
  };

  private readonly reactionsCollection = {
    aggregate: () => ({ toArray: async () => [] }),
  };

  private readonly sequences = {
    findOneAndUpdate: async () => {
      const err = this.counterError;
      this.counterError = undefined;
      if (err) throw err;
      return { _id: roomId, lastSeq: ++this.lastSeq };
    },
    findOne: async () => (this.lastSeq ? { _id: roomId, lastSeq: this.lastSeq } : null),
  };

  store(): MongoHistoryStore {
    return new MongoHistoryStore(this.client as unknown as MongoClient, this.db as unknown as Db);
  }
}

const winner = (content = 'hi'): Doc => ({
  _id: 'winner-id',
  roomId,
  seq: 1,
  senderId,
  kind: 'text',
  content,
  clientMsgId: 'c1',
  createdAt: new Date(0),
});

describe('MongoHistoryStore control flow (stubbed driver)', () => {
  it('stores with the seq the counter handed out', async () => {
    const mongo = new FakeMongo();
    mongo.lastSeq = 41;
    const { message, duplicate } = await mongo.store().append(input);
    expect(duplicate).toBe(false);
    expect(message.seq).toBe(42);
    expect(mongo.inserted).toHaveLength(1);
    expect(mongo.sessionsEnded).toBe(1);
  });

  it('answers a key found in the snapshot as a duplicate without taking a seq', async () => {
    const mongo = new FakeMongo();
    mongo.inSnapshot = winner();
    await expect(mongo.store().append(input)).resolves.toMatchObject({
      duplicate: true,
      message: { id: 'winner-id' },
    });
    expect(mongo.lastSeq).toBe(0);
  });

  it('turns a duplicate client key at insert into the winner, as a duplicate', async () => {
    const mongo = new FakeMongo();
    mongo.insertError = duplicateKey({ senderId: 1, clientMsgId: 1 }, 'senderId_1_clientMsgId_1');
    mongo.committed = winner();
    await expect(mongo.store().append(input)).resolves.toMatchObject({
      duplicate: true,
      message: { id: 'winner-id' },
    });
    expect(mongo.sessionsEnded).toBe(1);
  });

  it('turns a raced key with other content into IDEMPOTENCY_CONFLICT', async () => {
    const mongo = new FakeMongo();
    mongo.insertError = duplicateKey({ senderId: 1, clientMsgId: 1 }, 'senderId_1_clientMsgId_1');
    mongo.committed = winner('other');
    await expect(mongo.store().append(input)).rejects.toMatchObject({
      code: HistoryErrorCode.IDEMPOTENCY_CONFLICT,
    });
  });

  it('runs the transaction again when a new room counter was created by a racing append', async () => {
    const mongo = new FakeMongo();
    mongo.counterError = duplicateKey({ _id: 1 }, '_id_');
    await expect(mongo.store().append(input)).resolves.toMatchObject({
      duplicate: false,
      message: { seq: 1 },
    });
    expect(mongo.transactions).toBe(2);
  });

  it('waits for a raced winner that a majority read cannot see yet', async () => {
    const mongo = new FakeMongo();
    mongo.insertError = duplicateKey({ senderId: 1, clientMsgId: 1 }, 'senderId_1_clientMsgId_1');
    mongo.committed = null;
    const pending = mongo.store().append(input);
    mongo.inSnapshot = winner();
    await expect(pending).resolves.toMatchObject({ duplicate: true, message: { id: 'winner-id' } });
    expect(mongo.transactions).toBe(2);
  });

  it('rethrows anything else', async () => {
    const mongo = new FakeMongo();
    mongo.insertError = new Error('network');
    await expect(mongo.store().append(input)).rejects.toThrow('network');
    expect(mongo.sessionsEnded).toBe(1);
  });

  it('reads limit + 1 in the direction asked', async () => {
    const mongo = new FakeMongo();
    const store = mongo.store();
    await store.page({ roomId, limit: 10 });
    expect(mongo.lastFind).toEqual({ filter: { roomId }, sort: { seq: -1 }, limit: 11 });
    await store.page({ roomId, limit: 10, beforeSeq: 5 });
    expect(mongo.lastFind).toEqual({ filter: { roomId, seq: { $lt: 5 } }, sort: { seq: -1 }, limit: 11 });
    await store.page({ roomId, limit: 3, afterSeq: 0 });
    expect(mongo.lastFind).toEqual({ filter: { roomId, seq: { $gt: 0 } }, sort: { seq: 1 }, limit: 4 });
  });

  it('reports latestSeq 0 for an unknown room and pings', async () => {
    const mongo = new FakeMongo();
    await expect(mongo.store().latestSeq(roomId)).resolves.toBe(0);
    await expect(mongo.store().ping()).resolves.toBe(true);
  });
});

describe('MongoDB search trigrams', () => {
  it('are the distinct lower-case three-character runs, counted in code points', () => {
    expect(trigrams('Hello')).toEqual(['hel', 'ell', 'llo']);
    expect(trigrams('안녕하세요')).toEqual(['안녕하', '녕하세', '하세요']);
    expect(trigrams('👋👋👋👋')).toEqual(['👋👋👋']);
    expect(trigrams('ab')).toEqual([]);
  });

  it('mark a message with too many distinct trigrams as unindexed instead of storing them all', () => {
    const huge = Array.from({ length: 6000 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    expect(searchGrams(huge)).toEqual([UNINDEXED_GRAMS]);
    expect(searchGrams('hello world')).toHaveLength(9);
  });

  it('search asks for all the query trigrams (or the unindexed marker) and checks a literal, escaped pattern', async () => {
    const mongo = new FakeMongo();
    await mongo.store().search({ rooms: [{ roomId }], query: ' a.b* ', limit: 5 });
    expect(mongo.lastFind).toEqual({
      filter: {
        $and: [
          { $or: [{ roomId: { $in: [roomId] } }] },
          { $or: [{ searchGrams: { $all: ['a.b', '.b*'] } }, { searchGrams: UNINDEXED_GRAMS }] },
        ],
        deletedAt: null,
        content: { $regex: 'a\\.b\\*', $options: 'i' },
      },
      sort: { _id: -1 },
      limit: 6,
    });
  });
});

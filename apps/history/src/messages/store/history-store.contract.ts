import { CommonErrorCode, HistoryErrorCode, Limits } from '@app/contracts';
import { AppException, uuidv7 } from '@app/common';
import { AppendInput, AppendResult, HistoryStore, StoredMessage } from './history-store';

export interface StoreUnderTest {
  store: HistoryStore;
  cleanup(): Promise<void>;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const seqs = (messages: StoredMessage[]): number[] => messages.map((m) => m.seq);

/**
 * The rules every HistoryStore keeps, run against a real backend. Each test uses rooms and
 * senders of its own, so the tests share one store without seeing each other's messages.
 */
export function describeHistoryStoreContract(name: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`HistoryStore contract: ${name}`, () => {
    let store: HistoryStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ store, cleanup } = await factory());
    });

    afterAll(async () => {
      await cleanup?.();
    });

    let counter = 0;
    const input = (over: Partial<AppendInput> = {}): AppendInput => ({
      roomId: uuidv7(),
      senderId: uuidv7(),
      clientMsgId: `c-${++counter}-${uuidv7()}`,
      kind: 'text',
      content: `message ${counter}`,
      ...over,
    });

    /** n messages in `roomId`, one after another; message i (from 1) says `m<i>`. */
    async function fill(roomId: string, n: number): Promise<StoredMessage[]> {
      const senderId = uuidv7();
      const out: StoredMessage[] = [];
      for (let i = 1; i <= n; i++)
        out.push((await store.append(input({ roomId, senderId, content: `m${i}` }))).message);
      return out;
    }

    async function rejection(p: Promise<unknown>): Promise<AppException> {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppException);
      return err as AppException;
    }

    it(`is named ${name}`, () => {
      expect(['postgres', 'mongodb']).toContain(store.name);
    });

    describe('append', () => {
      it('stores a message at seq 1 of a new room and returns exactly what it stored', async () => {
        const before = Date.now();
        const req = input({ kind: 'text', content: 'hello' });
        const { message, duplicate } = await store.append(req);
        expect(duplicate).toBe(false);
        expect(message).toEqual({
          id: expect.stringMatching(UUID_V7),
          roomId: req.roomId,
          seq: 1,
          senderId: req.senderId,
          kind: 'text',
          content: 'hello',
          clientMsgId: req.clientMsgId,
          createdAt: expect.any(Date),
        });
        // The store's clock (the database's, for PostgreSQL) may differ a little from ours.
        expect(Math.abs(message.createdAt.getTime() - before)).toBeLessThan(60_000);
        const page = await store.page({ roomId: req.roomId, limit: 10 });
        expect(page).toEqual({ messages: [message], hasMore: false });
      });

      it('numbers each room on its own, from 1, with no gaps', async () => {
        const [a, b] = [uuidv7(), uuidv7()];
        const results = [];
        for (const roomId of [a, b, a, a, b, a])
          results.push((await store.append(input({ roomId }))).message);
        expect(results.map((m) => [m.roomId === a ? 'a' : 'b', m.seq])).toEqual([
          ['a', 1],
          ['b', 1],
          ['a', 2],
          ['a', 3],
          ['b', 2],
          ['a', 4],
        ]);
        expect(await store.latestSeq(a)).toBe(4);
        expect(await store.latestSeq(b)).toBe(2);
      });

      it('hands out seqs 1..50 exactly once to 50 concurrent appends to one room', async () => {
        const roomId = uuidv7();
        const results = await Promise.all(
          range(1, 50).map((i) => store.append(input({ roomId, content: `c${i}` }))),
        );
        expect(results.every((r) => !r.duplicate)).toBe(true);
        expect(seqs(results.map((r) => r.message)).sort((x, y) => x - y)).toEqual(range(1, 50));
        expect(await store.latestSeq(roomId)).toBe(50);
        const page = await store.page({ roomId, limit: 100 });
        expect(seqs(page.messages)).toEqual(range(1, 50));
        expect(page.messages.map((m) => m.content).sort()).toEqual(
          range(1, 50)
            .map((i) => `c${i}`)
            .sort(),
        );
      });

      it('gives ids that are unique UUIDv7s rising with seq, and createdAt that never goes back', async () => {
        const roomId = uuidv7();
        await Promise.all(range(1, 30).map(() => store.append(input({ roomId }))));
        const { messages } = await store.page({ roomId, limit: 100 });
        const ids = messages.map((m) => m.id);
        expect(new Set(ids).size).toBe(30);
        for (const id of ids) expect(id).toMatch(UUID_V7);
        expect([...ids].sort()).toEqual(ids);
        const times = messages.map((m) => m.createdAt.getTime());
        expect([...times].sort((x, y) => x - y)).toEqual(times);
      });

      it('keeps rooms apart under concurrent appends to several rooms', async () => {
        const rooms = [uuidv7(), uuidv7(), uuidv7()];
        await Promise.all(range(0, 44).map((i) => store.append(input({ roomId: rooms[i % 3] }))));
        for (const roomId of rooms) {
          const page = await store.page({ roomId, limit: 100 });
          expect(seqs(page.messages)).toEqual(range(1, 15));
          expect(page.messages.every((m) => m.roomId === roomId)).toBe(true);
        }
      });

      it('stores every kind', async () => {
        const roomId = uuidv7();
        for (const kind of ['text', 'image', 'emoticon', 'system'] as const) {
          const { message } = await store.append(input({ roomId, kind, content: `a ${kind}` }));
          expect(message.kind).toBe(kind);
        }
        const { messages } = await store.page({ roomId, limit: 10 });
        expect(messages.map((m) => m.kind)).toEqual(['text', 'image', 'emoticon', 'system']);
      });

      it('treats ids case-insensitively and answers in lower case', async () => {
        const req = input();
        const upper = { ...req, roomId: req.roomId.toUpperCase(), senderId: req.senderId.toUpperCase() };
        const first = await store.append(upper);
        expect(first.message.roomId).toBe(req.roomId);
        expect(first.message.senderId).toBe(req.senderId);
        const again = await store.append(req);
        expect(again).toEqual({ message: first.message, duplicate: true });
        expect(await store.latestSeq(upper.roomId)).toBe(1);
        expect((await store.page({ roomId: upper.roomId, limit: 5 })).messages).toEqual([first.message]);
      });

      it('refuses ids that are not UUIDs, an unknown kind and a bad clientMsgId before storing anything', async () => {
        const roomId = uuidv7();
        const cases: Array<[Partial<AppendInput>, string]> = [
          [{ roomId: 'not-a-uuid' }, 'roomId'],
          [{ roomId, senderId: 'bob' }, 'senderId'],
          [{ roomId, kind: 'video' as AppendInput['kind'] }, 'kind'],
          [{ roomId, clientMsgId: '' }, 'clientMsgId'],
          [{ roomId, clientMsgId: 'x'.repeat(Limits.CLIENT_MSG_ID_MAX + 1) }, 'clientMsgId'],
          [{ roomId, clientMsgId: 'a\u0000b' }, 'clientMsgId'],
        ];
        for (const [over, field] of cases) {
          const err = await rejection(store.append(input(over)));
          expect(err.code).toBe(CommonErrorCode.VALIDATION_FAILED);
          expect(err.details?.[0]?.field).toBe(field);
        }
        expect(await store.latestSeq(roomId)).toBe(0);
      });
    });

    describe('idempotency by (senderId, clientMsgId)', () => {
      it('answers a repeat with the original message and stores nothing', async () => {
        const req = input();
        const first = await store.append(req);
        await store.append(input({ roomId: req.roomId }));
        const again = await store.append({ ...req });
        expect(again).toEqual({ message: first.message, duplicate: true });
        expect(await store.latestSeq(req.roomId)).toBe(2);
        expect(seqs((await store.page({ roomId: req.roomId, limit: 10 })).messages)).toEqual([1, 2]);
      });

      it('refuses a repeat with different content, kind or room as IDEMPOTENCY_CONFLICT, storing nothing', async () => {
        const req = input({ content: 'original' });
        const other = uuidv7();
        await store.append(req);
        for (const changed of [{ content: 'edited' }, { kind: 'system' as const }, { roomId: other }]) {
          const err = await rejection(store.append({ ...req, ...changed }));
          expect(err.code).toBe(HistoryErrorCode.IDEMPOTENCY_CONFLICT);
        }
        expect(await store.latestSeq(req.roomId)).toBe(1);
        expect(await store.latestSeq(other)).toBe(0);
      });

      it('scopes the key to the sender: two senders may use the same clientMsgId', async () => {
        const roomId = uuidv7();
        const a = await store.append(input({ roomId, clientMsgId: 'same' }));
        const b = await store.append(input({ roomId, clientMsgId: 'same' }));
        expect([a.duplicate, b.duplicate]).toEqual([false, false]);
        expect([a.message.seq, b.message.seq]).toEqual([1, 2]);
      });

      // More callers than a connection pool holds (10): a loser must not need a second connection.
      it('stores a key raced by 30 concurrent callers once; the others get it as a duplicate, without error or gap', async () => {
        const racers = 30;
        const req = input();
        const others = range(1, 10).map(() => input({ roomId: req.roomId }));
        const results = await Promise.all([
          ...range(1, racers).map(() => store.append({ ...req })),
          ...others.map((o) => store.append(o)),
        ]);
        const raced = results.slice(0, racers);
        expect(raced.filter((r) => !r.duplicate)).toHaveLength(1);
        const winner = raced.find((r) => !r.duplicate) as AppendResult;
        for (const r of raced) expect(r.message).toEqual(winner.message);
        expect(await store.latestSeq(req.roomId)).toBe(11);
        const { messages } = await store.page({ roomId: req.roomId, limit: 100 });
        expect(seqs(messages)).toEqual(range(1, 11));
        expect(messages.filter((m) => m.clientMsgId === req.clientMsgId)).toHaveLength(1);
      }, 20_000);

      it('stores one of two concurrent, different messages under one key and refuses the other', async () => {
        const req = input();
        const settled = await Promise.allSettled([
          store.append({ ...req, content: 'first' }),
          store.append({ ...req, content: 'second' }),
        ]);
        const ok = settled.filter((s): s is PromiseFulfilledResult<AppendResult> => s.status === 'fulfilled');
        const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
        expect(ok).toHaveLength(1);
        expect(ok[0].value.duplicate).toBe(false);
        expect(failed).toHaveLength(1);
        expect(failed[0].reason).toMatchObject({ code: HistoryErrorCode.IDEMPOTENCY_CONFLICT });
        expect(await store.latestSeq(req.roomId)).toBe(1);
      });

      it('detects a key reused in another room even when both appends race', async () => {
        const req = input();
        const settled = await Promise.allSettled([
          store.append(req),
          store.append({ ...req, roomId: uuidv7() }),
        ]);
        expect(settled.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
        const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        expect(failed?.reason).toMatchObject({ code: HistoryErrorCode.IDEMPOTENCY_CONFLICT });
      });
    });

    describe('page', () => {
      let roomId: string;
      let all: StoredMessage[];

      beforeAll(async () => {
        roomId = uuidv7();
        all = await fill(roomId, 7);
      });

      const page = async (q: { beforeSeq?: number; afterSeq?: number; limit: number }) => {
        const p = await store.page({ roomId, ...q });
        return { seqs: seqs(p.messages), hasMore: p.hasMore };
      };

      it('without a cursor returns the newest `limit`, ascending, and says whether older ones exist', async () => {
        expect(await page({ limit: 3 })).toEqual({ seqs: [5, 6, 7], hasMore: true });
        expect(await page({ limit: 6 })).toEqual({ seqs: range(2, 7), hasMore: true });
        expect(await page({ limit: 7 })).toEqual({ seqs: range(1, 7), hasMore: false });
        expect(await page({ limit: 50 })).toEqual({ seqs: range(1, 7), hasMore: false });
      });

      it('with beforeSeq returns the `limit` just before it, and whether older ones exist', async () => {
        expect(await page({ beforeSeq: 5, limit: 3 })).toEqual({ seqs: [2, 3, 4], hasMore: true });
        expect(await page({ beforeSeq: 4, limit: 3 })).toEqual({ seqs: [1, 2, 3], hasMore: false });
        expect(await page({ beforeSeq: 3, limit: 3 })).toEqual({ seqs: [1, 2], hasMore: false });
        expect(await page({ beforeSeq: 1, limit: 3 })).toEqual({ seqs: [], hasMore: false });
        expect(await page({ beforeSeq: 1000, limit: 2 })).toEqual({ seqs: [6, 7], hasMore: true });
      });

      it('with afterSeq returns the `limit` just after it, and whether newer ones exist', async () => {
        expect(await page({ afterSeq: 0, limit: 3 })).toEqual({ seqs: [1, 2, 3], hasMore: true });
        expect(await page({ afterSeq: 3, limit: 3 })).toEqual({ seqs: [4, 5, 6], hasMore: true });
        expect(await page({ afterSeq: 4, limit: 3 })).toEqual({ seqs: [5, 6, 7], hasMore: false });
        expect(await page({ afterSeq: 6, limit: 3 })).toEqual({ seqs: [7], hasMore: false });
        expect(await page({ afterSeq: 7, limit: 3 })).toEqual({ seqs: [], hasMore: false });
        expect(await page({ afterSeq: 1000, limit: 3 })).toEqual({ seqs: [], hasMore: false });
      });

      it('works with limit 1 in every mode', async () => {
        expect(await page({ limit: 1 })).toEqual({ seqs: [7], hasMore: true });
        expect(await page({ beforeSeq: 3, limit: 1 })).toEqual({ seqs: [2], hasMore: true });
        expect(await page({ beforeSeq: 2, limit: 1 })).toEqual({ seqs: [1], hasMore: false });
        expect(await page({ afterSeq: 5, limit: 1 })).toEqual({ seqs: [6], hasMore: true });
        expect(await page({ afterSeq: 6, limit: 1 })).toEqual({ seqs: [7], hasMore: false });
      });

      it('returns the stored messages themselves', async () => {
        expect((await store.page({ roomId, limit: 100 })).messages).toEqual(all);
      });

      it('works with limit 100 on a room of 120, and walking either way visits every message once', async () => {
        const big = uuidv7();
        const stored = await fill(big, 120);
        const latest = await store.page({ roomId: big, limit: 100 });
        expect({ seqs: seqs(latest.messages), hasMore: latest.hasMore }).toEqual({
          seqs: range(21, 120),
          hasMore: true,
        });
        const older = await store.page({ roomId: big, beforeSeq: latest.messages[0].seq, limit: 100 });
        expect({ seqs: seqs(older.messages), hasMore: older.hasMore }).toEqual({
          seqs: range(1, 20),
          hasMore: false,
        });
        const first = await store.page({ roomId: big, afterSeq: 0, limit: 100 });
        expect({ seqs: seqs(first.messages), hasMore: first.hasMore }).toEqual({
          seqs: range(1, 100),
          hasMore: true,
        });
        const rest = await store.page({ roomId: big, afterSeq: 100, limit: 100 });
        expect({ seqs: seqs(rest.messages), hasMore: rest.hasMore }).toEqual({
          seqs: range(101, 120),
          hasMore: false,
        });
        expect([...first.messages, ...rest.messages]).toEqual(stored);

        const walked: StoredMessage[] = [];
        let cursor: number | undefined;
        for (;;) {
          const p = await store.page({ roomId: big, beforeSeq: cursor, limit: 7 });
          walked.unshift(...p.messages);
          if (!p.hasMore) break;
          cursor = p.messages[0].seq;
        }
        expect(walked).toEqual(stored);
      });

      it('answers an unknown room with an empty page in every mode', async () => {
        const unknown = uuidv7();
        for (const q of [{}, { beforeSeq: 10 }, { afterSeq: 0 }]) {
          expect(await store.page({ roomId: unknown, limit: 10, ...q })).toEqual({
            messages: [],
            hasMore: false,
          });
        }
      });

      it('refuses both cursors at once as INVALID_CURSOR', async () => {
        const err = await rejection(store.page({ roomId, beforeSeq: 5, afterSeq: 2, limit: 3 }));
        expect(err.code).toBe(HistoryErrorCode.INVALID_CURSOR);
      });

      it('refuses cursors out of range as INVALID_CURSOR', async () => {
        for (const q of [{ beforeSeq: 0 }, { beforeSeq: -1 }, { afterSeq: -1 }, { beforeSeq: 1.5 }]) {
          const err = await rejection(store.page({ roomId, limit: 3, ...q }));
          expect(err.code).toBe(HistoryErrorCode.INVALID_CURSOR);
        }
      });

      it('refuses a limit outside 1..PAGE_MAX and a room id that is not a UUID as VALIDATION_FAILED', async () => {
        for (const q of [
          { roomId, limit: 0 },
          { roomId, limit: Limits.PAGE_MAX + 1 },
          { roomId, limit: 2.5 },
          { roomId: 'lobby', limit: 3 },
        ]) {
          const err = await rejection(store.page(q));
          expect(err.code).toBe(CommonErrorCode.VALIDATION_FAILED);
        }
      });
    });

    describe('content', () => {
      it('round-trips Unicode exactly', async () => {
        const roomId = uuidv7();
        const texts = [
          '안녕하세요 👋',
          '👨‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 👍🏽 tone',
          'e\u0301 vs \u00e9 (not normalised)',
          'مرحبا بالعالم',
          '  spaces kept  \n\ttabs\r\nand CRLF ',
          '\u200b zero width, \ufeff BOM, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
          'quotes \' " ` and \\ backslash, $1, %s, {}',
        ];
        for (const content of texts) {
          const { message } = await store.append(input({ roomId, content }));
          expect(message.content).toBe(content);
        }
        const { messages } = await store.page({ roomId, limit: 100 });
        expect(messages.map((m) => m.content)).toEqual(texts);
      });

      it('stores content of exactly MESSAGE_MAX_CHARS characters, counted in code points', async () => {
        const roomId = uuidv7();
        const plain = 'x'.repeat(Limits.MESSAGE_MAX_CHARS);
        const emoji = `${'a'.repeat(Limits.MESSAGE_MAX_CHARS - 2)}👋👋`;
        expect(emoji.length).toBe(Limits.MESSAGE_MAX_CHARS + 2);
        for (const content of [plain, emoji]) await store.append(input({ roomId, content }));
        const { messages } = await store.page({ roomId, limit: 10 });
        expect(messages.map((m) => m.content)).toEqual([plain, emoji]);
      });

      it('refuses content over MESSAGE_MAX_CHARS as MESSAGE_TOO_LARGE, storing nothing', async () => {
        const req = input({ content: 'y'.repeat(Limits.MESSAGE_MAX_CHARS + 1) });
        const err = await rejection(store.append(req));
        expect(err.code).toBe(HistoryErrorCode.MESSAGE_TOO_LARGE);
        expect(await store.latestSeq(req.roomId)).toBe(0);
      });

      it('refuses NUL characters and lone surrogates as VALIDATION_FAILED, storing nothing', async () => {
        const roomId = uuidv7();
        for (const content of ['a\u0000b', 'broken \ud83d pair']) {
          const err = await rejection(store.append(input({ roomId, content })));
          expect(err.code).toBe(CommonErrorCode.VALIDATION_FAILED);
          expect(err.details?.[0]?.field).toBe('content');
        }
        expect(await store.latestSeq(roomId)).toBe(0);
      });
    });

    describe('latestSeq and ping', () => {
      it('latestSeq is 0 for an empty room and follows appends, not duplicates or refusals', async () => {
        const req = input();
        expect(await store.latestSeq(req.roomId)).toBe(0);
        await store.append(req);
        await store.append(req);
        await store.append({ ...req, content: 'conflict' }).catch(() => undefined);
        expect(await store.latestSeq(req.roomId)).toBe(1);
        await store.append(input({ roomId: req.roomId }));
        expect(await store.latestSeq(req.roomId)).toBe(2);
      });

      it('ping answers true while the backend is reachable', async () => {
        await expect(store.ping()).resolves.toBe(true);
      });
    });
  });
}

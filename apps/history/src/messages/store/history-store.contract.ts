import { CommonErrorCode, HistoryErrorCode, HistoryLimits, Limits } from '@app/contracts';
import { AppException, uuidv7 } from '@app/common';
import { AppendInput, AppendResult, HistoryStore, StoredAttachment, StoredMessage } from './history-store';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DAY_MS = 86_400_000;

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

    const image = (over: Partial<StoredAttachment> = {}): StoredAttachment => ({
      id: uuidv7(),
      name: 'photo.png',
      mimeType: 'image/png',
      size: 1234,
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
          attachments: [],
          editedAt: null,
          deletedAt: null,
          replyToId: null,
          effects: [],
          reactions: [],
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

      it('answers appends that arrive together as it would one by one: retries, effects, images, replies, rooms', async () => {
        const [a, b] = [uuidv7(), uuidv7()];
        const first = await store.append(input({ roomId: a, content: 'first' }));
        const retry = {
          ...input({ roomId: a, content: 'first' }),
          senderId: first.message.senderId,
          clientMsgId: first.message.clientMsgId,
        };
        const twice = input({ roomId: b, content: 'sent twice at once' });
        const requests: AppendInput[] = [
          retry,
          input({ roomId: a, content: '생일 축하해 🎉', effects: ['confetti'] }),
          input({ roomId: b, kind: 'image', content: '', attachments: [image()] }),
          input({ roomId: a, content: 'a reply', replyToId: first.message.id }),
          twice,
          { ...twice },
          input({ roomId: b, content: 'x'.repeat(10) + '\u{1F600}' }),
          input({ roomId: a, effects: ['Not An Effect!'] }),
        ];
        const outcomes = await Promise.all(
          requests.map((r) =>
            store.append(r).then(
              (res) => res,
              (e: AppException) => e.code,
            ),
          ),
        );
        expect(outcomes[0]).toEqual({ message: first.message, duplicate: true });
        expect(outcomes[7]).toBe(CommonErrorCode.VALIDATION_FAILED);
        const ok = outcomes.slice(1, 7) as AppendResult[];
        expect(ok.map((o) => o.message.content)).toEqual(requests.slice(1, 7).map((r) => r.content));
        expect(ok[0].message.effects).toEqual(['confetti']);
        expect(ok[1].message.attachments).toHaveLength(1);
        expect(ok[2].message.replyToId).toBe(first.message.id);
        // The same message twice in one go is stored once; one of the two answers says so.
        expect(ok[3].message.id).toBe(ok[4].message.id);
        expect([ok[3].duplicate, ok[4].duplicate].sort()).toEqual([false, true]);
        for (const roomId of [a, b]) {
          const { messages } = await store.page({ roomId, limit: 10 });
          expect(seqs(messages)).toEqual(range(1, messages.length));
          expect([...messages.map((m) => m.id)].sort()).toEqual(messages.map((m) => m.id));
          const answered = new Map(ok.map((o) => [o.message.id, o.message]));
          for (const m of messages) if (answered.has(m.id)) expect(answered.get(m.id)).toEqual(m);
        }
        expect(await store.latestSeq(a)).toBe(3);
        expect(await store.latestSeq(b)).toBe(3);
      });

      it('stores the effects given at append and returns them on every read', async () => {
        const { message } = await store.append(
          input({ content: '생일 축하해 🎉', effects: ['balloons', 'confetti'] }),
        );
        expect(message.effects).toEqual(['balloons', 'confetti']);
        const plain = await store.append(input({ roomId: message.roomId }));
        expect(plain.message.effects).toEqual([]);
        const { messages } = await store.page({ roomId: message.roomId, limit: 10 });
        expect(messages.map((m) => m.effects)).toEqual([['balloons', 'confetti'], []]);
        await expect(store.append(input({ effects: ['Not An Effect!'] }))).rejects.toMatchObject({
          code: 'common.validation_failed',
        });
      });

      it('stores every kind', async () => {
        const roomId = uuidv7();
        for (const kind of ['text', 'image', 'emoticon', 'system'] as const) {
          const attachments = kind === 'image' ? [image()] : undefined;
          const { message } = await store.append(input({ roomId, kind, content: `a ${kind}`, attachments }));
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

    describe('attachments (image messages)', () => {
      it('stores the images of an image message, in order, with an empty caption allowed, and shows them on every read', async () => {
        const roomId = uuidv7();
        const pics = [
          image({ width: 640, height: 480 }),
          image({ name: '사진 2.gif', mimeType: 'image/gif' }),
        ];
        const { message } = await store.append(
          input({ roomId, kind: 'image', content: '', attachments: pics }),
        );
        expect(message.attachments).toEqual(pics);
        expect(message.content).toBe('');
        const page = await store.page({ roomId, limit: 5 });
        expect(page.messages[0].attachments).toEqual(pics);
        const [summary] = await store.summary([roomId]);
        expect(summary.lastMessage?.attachments).toEqual(pics);
      });

      it('refuses an image message without images, images on another kind, and bad image records, storing nothing', async () => {
        const roomId = uuidv7();
        const one = image();
        const cases: Array<Partial<AppendInput>> = [
          { kind: 'image' },
          { kind: 'image', attachments: [] },
          { kind: 'text', attachments: [image()] },
          { kind: 'image', attachments: [one, one] },
          { kind: 'image', attachments: [image({ mimeType: 'image/svg+xml' })] },
          { kind: 'image', attachments: [image({ id: 'nope' })] },
          { kind: 'image', attachments: [image({ size: 0 })] },
          { kind: 'image', attachments: Array.from({ length: 11 }, () => image()) },
        ];
        for (const over of cases) {
          const err = await rejection(store.append(input({ roomId, ...over })));
          expect(err.code).toBe(CommonErrorCode.VALIDATION_FAILED);
        }
        expect(await store.latestSeq(roomId)).toBe(0);
      });

      it('treats the images as part of the message for idempotency, and a tombstone drops them', async () => {
        const req = input({ kind: 'image', content: 'cap', attachments: [image()] });
        const first = await store.append(req);
        expect(await store.append({ ...req })).toEqual({ message: first.message, duplicate: true });
        const err = await rejection(store.append({ ...req, attachments: [image()] }));
        expect(err.code).toBe(HistoryErrorCode.IDEMPOTENCY_CONFLICT);
        const { message } = await store.delete({
          roomId: req.roomId,
          messageId: first.message.id,
          actorId: req.senderId,
          moderator: false,
        });
        expect(message.attachments).toEqual([]);
        expect((await store.page({ roomId: req.roomId, limit: 5 })).messages[0].attachments).toEqual([]);
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

    async function codeOf(p: Promise<unknown>): Promise<{ code: string; field?: string }> {
      const err = await rejection(p);
      return { code: err.code, field: err.details?.[0]?.field };
    }

    describe('replies', () => {
      it('stores replyToId for a message of the same room and shows it in pages', async () => {
        const roomId = uuidv7();
        const [first] = await fill(roomId, 1);
        const { message } = await store.append(input({ roomId, replyToId: first.id.toUpperCase() }));
        expect(message.replyToId).toBe(first.id);
        expect((await store.page({ roomId, limit: 5 })).messages[1].replyToId).toBe(first.id);
      });

      it('refuses a reply to a message of another room, or to none, as MESSAGE_NOT_FOUND, storing nothing', async () => {
        const [elsewhere] = await fill(uuidv7(), 1);
        const roomId = uuidv7();
        for (const replyToId of [elsewhere.id, uuidv7()]) {
          expect(await codeOf(store.append(input({ roomId, replyToId })))).toEqual({
            code: HistoryErrorCode.MESSAGE_NOT_FOUND,
            field: 'replyToId',
          });
        }
        expect(await store.latestSeq(roomId)).toBe(0);
      });

      it('treats the reply as part of the message for idempotency', async () => {
        const roomId = uuidv7();
        const [a, b] = await fill(roomId, 2);
        const req = input({ roomId, replyToId: a.id });
        const first = await store.append(req);
        await expect(store.append(req)).resolves.toEqual({ message: first.message, duplicate: true });
        expect((await codeOf(store.append({ ...req, replyToId: b.id }))).code).toBe(
          HistoryErrorCode.IDEMPOTENCY_CONFLICT,
        );
        expect((await codeOf(store.append({ ...req, replyToId: undefined }))).code).toBe(
          HistoryErrorCode.IDEMPOTENCY_CONFLICT,
        );
      });
    });

    describe('page around a message', () => {
      let roomId: string;
      let all: StoredMessage[];

      beforeAll(async () => {
        roomId = uuidv7();
        all = await fill(roomId, 20);
      });

      const around = async (i: number, limit: number) => {
        const p = await store.page({ roomId, aroundId: all[i - 1].id, limit });
        return {
          seqs: seqs(p.messages),
          hasMore: p.hasMore,
          hasMoreBefore: p.hasMoreBefore,
          hasMoreAfter: p.hasMoreAfter,
        };
      };

      it('returns older context, the message, newer context, ascending, and what lies beyond each side', async () => {
        expect(await around(10, 5)).toEqual({
          seqs: [8, 9, 10, 11, 12],
          hasMore: true,
          hasMoreBefore: true,
          hasMoreAfter: true,
        });
        expect(await around(10, 6)).toEqual({
          seqs: [8, 9, 10, 11, 12, 13],
          hasMore: true,
          hasMoreBefore: true,
          hasMoreAfter: true,
        });
        expect(await around(2, 5)).toEqual({
          seqs: [1, 2, 3, 4],
          hasMore: true,
          hasMoreBefore: false,
          hasMoreAfter: true,
        });
        expect(await around(20, 5)).toEqual({
          seqs: [18, 19, 20],
          hasMore: true,
          hasMoreBefore: true,
          hasMoreAfter: false,
        });
        expect(await around(10, 1)).toEqual({
          seqs: [10],
          hasMore: true,
          hasMoreBefore: true,
          hasMoreAfter: true,
        });
        expect(await around(10, 100)).toEqual({
          seqs: range(1, 20),
          hasMore: false,
          hasMoreBefore: false,
          hasMoreAfter: false,
        });
      });

      it('refuses a message id of another room, or an unknown one, as MESSAGE_NOT_FOUND (aroundId)', async () => {
        const [elsewhere] = await fill(uuidv7(), 1);
        for (const aroundId of [elsewhere.id, uuidv7()]) {
          expect(await codeOf(store.page({ roomId, aroundId, limit: 5 }))).toEqual({
            code: HistoryErrorCode.MESSAGE_NOT_FOUND,
            field: 'aroundId',
          });
        }
      });

      it('refuses aroundId with a seq cursor as INVALID_CURSOR, and a non-UUID as VALIDATION_FAILED', async () => {
        const aroundId = all[0].id;
        for (const q of [{ beforeSeq: 5 }, { afterSeq: 1 }]) {
          expect((await codeOf(store.page({ roomId, aroundId, limit: 5, ...q }))).code).toBe(
            HistoryErrorCode.INVALID_CURSOR,
          );
        }
        expect((await codeOf(store.page({ roomId, aroundId: 'nope', limit: 5 }))).code).toBe(
          CommonErrorCode.VALIDATION_FAILED,
        );
      });
    });

    describe('visibleFrom', () => {
      it('hides older messages from every page, from around and from ranges', async () => {
        const roomId = uuidv7();
        const old = await fill(roomId, 3);
        await sleep(5);
        const cut = new Date();
        await sleep(5);
        const recent = [
          (await store.append(input({ roomId, content: 'r1' }))).message,
          (await store.append(input({ roomId, content: 'r2' }))).message,
        ];
        expect(seqs((await store.page({ roomId, limit: 10, visibleFrom: cut })).messages)).toEqual([4, 5]);
        expect(await store.page({ roomId, limit: 2, visibleFrom: cut })).toMatchObject({ hasMore: false });
        expect(
          seqs((await store.page({ roomId, limit: 10, afterSeq: 0, visibleFrom: cut })).messages),
        ).toEqual([4, 5]);
        expect(
          seqs((await store.page({ roomId, limit: 10, beforeSeq: 5, visibleFrom: cut })).messages),
        ).toEqual([4]);
        expect(
          (await codeOf(store.page({ roomId, limit: 3, aroundId: old[1].id, visibleFrom: cut }))).code,
        ).toBe(HistoryErrorCode.MESSAGE_NOT_FOUND);
        const r = await store.range({
          roomId,
          from: new Date(cut.getTime() - DAY_MS),
          to: new Date(Date.now() + 60_000),
          limit: 10,
          includeDeleted: true,
          visibleFrom: cut,
        });
        expect(r.messages.map((m) => m.id)).toEqual(recent.map((m) => m.id));
      });
    });

    describe('range (date windows, replay)', () => {
      let roomId: string;
      let all: StoredMessage[];

      beforeAll(async () => {
        roomId = uuidv7();
        all = [];
        // Apart in time, so window edges taken from createdAt fall between messages.
        for (let i = 1; i <= 8; i++) {
          all.push((await store.append(input({ roomId, content: `t${i}` }))).message);
          await sleep(4);
        }
      });

      const at = (i: number) => all[i - 1].createdAt;
      const farFuture = () => new Date(Date.now() + DAY_MS);

      it('returns from ≤ createdAt < to, ascending, and whether more lie in the window', async () => {
        const p = await store.range({ roomId, from: at(3), to: at(6), limit: 10, includeDeleted: true });
        expect({ seqs: seqs(p.messages), hasMore: p.hasMore }).toEqual({ seqs: [3, 4, 5], hasMore: false });
        const all8 = await store.range({
          roomId,
          from: new Date(at(1).getTime() - 3 * DAY_MS),
          to: farFuture(),
          limit: 8,
          includeDeleted: true,
        });
        expect(all8.messages).toEqual(all);
        expect(all8.hasMore).toBe(false);
      });

      it('continues a long window with afterSeq, visiting each message once', async () => {
        const walked: number[] = [];
        let afterSeq: number | undefined;
        for (;;) {
          const p = await store.range({
            roomId,
            from: at(2),
            to: farFuture(),
            afterSeq,
            limit: 3,
            includeDeleted: true,
          });
          walked.push(...seqs(p.messages));
          if (!p.hasMore) break;
          afterSeq = p.messages[p.messages.length - 1].seq;
        }
        expect(walked).toEqual(range(2, 8));
      });

      it('is empty for a window with nothing in it, or an unknown room', async () => {
        const from = new Date(at(1).getTime() - 10 * DAY_MS);
        expect(
          await store.range({
            roomId,
            from,
            to: new Date(from.getTime() + 3 * DAY_MS),
            limit: 5,
            includeDeleted: true,
          }),
        ).toEqual({ messages: [], hasMore: false });
        expect(
          await store.range({ roomId: uuidv7(), from, to: farFuture(), limit: 5, includeDeleted: true }),
        ).toEqual({ messages: [], hasMore: false });
      });

      it('refuses from ≥ to as INVALID_RANGE, and a limit outside 1..RANGE_PAGE_MAX as VALIDATION_FAILED', async () => {
        for (const [from, to] of [
          [at(3), at(3)],
          [at(4), at(3)],
        ]) {
          expect((await codeOf(store.range({ roomId, from, to, limit: 5, includeDeleted: true }))).code).toBe(
            HistoryErrorCode.INVALID_RANGE,
          );
        }
        for (const limit of [0, HistoryLimits.RANGE_PAGE_MAX + 1]) {
          expect(
            (await codeOf(store.range({ roomId, from: at(1), to: farFuture(), limit, includeDeleted: true })))
              .code,
          ).toBe(CommonErrorCode.VALIDATION_FAILED);
        }
        expect(
          (
            await codeOf(
              store.range({
                roomId,
                from: new Date('nope'),
                to: farFuture(),
                limit: 5,
                includeDeleted: true,
              }),
            )
          ).code,
        ).toBe(CommonErrorCode.VALIDATION_FAILED);
      });
    });

    describe('edit', () => {
      const edit = (m: StoredMessage, over: Partial<Parameters<HistoryStore['edit']>[0]> = {}) =>
        store.edit({
          roomId: m.roomId,
          messageId: m.id,
          actorId: m.senderId,
          content: 'edited ✏️',
          windowSeconds: 900,
          ...over,
        });

      it('lets the author change the content within the window: stored, editedAt set, seq kept', async () => {
        const roomId = uuidv7();
        const [m] = await fill(roomId, 1);
        const { message, changed } = await edit(m);
        expect(changed).toBe(true);
        expect(message).toMatchObject({ id: m.id, seq: 1, content: 'edited ✏️', createdAt: m.createdAt });
        expect(message.editedAt).toBeInstanceOf(Date);
        expect((message.editedAt as Date).getTime()).toBeGreaterThanOrEqual(m.createdAt.getTime());
        expect((await store.page({ roomId, limit: 5 })).messages).toEqual([message]);
        expect(await store.latestSeq(roomId)).toBe(1);
      });

      it('changes nothing when the content is already that', async () => {
        const [m] = await fill(uuidv7(), 1);
        const { message, changed } = await edit(m, { content: m.content });
        expect(changed).toBe(false);
        expect(message).toEqual(m);
      });

      it('refuses others, a closed window, tombstones and other rooms with clear codes', async () => {
        const [m] = await fill(uuidv7(), 1);
        expect((await codeOf(edit(m, { actorId: uuidv7() }))).code).toBe(HistoryErrorCode.NOT_AUTHOR);
        expect((await codeOf(edit(m, { windowSeconds: 0 }))).code).toBe(HistoryErrorCode.EDIT_WINDOW_CLOSED);
        expect((await codeOf(edit(m, { roomId: uuidv7() }))).code).toBe(HistoryErrorCode.MESSAGE_NOT_FOUND);
        expect((await codeOf(edit(m, { messageId: uuidv7() }))).code).toBe(
          HistoryErrorCode.MESSAGE_NOT_FOUND,
        );
        await store.delete({ roomId: m.roomId, messageId: m.id, actorId: m.senderId, moderator: false });
        expect((await codeOf(edit(m))).code).toBe(HistoryErrorCode.MESSAGE_DELETED);
      });

      it('checks content like append does', async () => {
        const [m] = await fill(uuidv7(), 1);
        expect((await codeOf(edit(m, { content: ' \n ' }))).code).toBe(CommonErrorCode.VALIDATION_FAILED);
        expect((await codeOf(edit(m, { content: 'a\u0000' }))).code).toBe(CommonErrorCode.VALIDATION_FAILED);
        expect((await codeOf(edit(m, { content: 'z'.repeat(Limits.MESSAGE_MAX_CHARS + 1) }))).code).toBe(
          HistoryErrorCode.MESSAGE_TOO_LARGE,
        );
        expect((await store.page({ roomId: m.roomId, limit: 1 })).messages[0].content).toBe(m.content);
      });

      it('still recognises a late retry of the original send as a duplicate', async () => {
        const req = input();
        const { message } = await store.append(req);
        await edit(message);
        const again = await store.append(req);
        expect(again.duplicate).toBe(true);
        expect(again.message.content).toBe('edited ✏️');
      });
    });

    describe('delete (tombstones)', () => {
      it('clears content, sets deletedAt, keeps the seq, removes reactions; the author may', async () => {
        const roomId = uuidv7();
        const [a, b] = await fill(roomId, 2);
        await store.addReaction({ roomId, messageId: a.id, userId: uuidv7(), emoji: '👍' });
        const { message, changed } = await store.delete({
          roomId,
          messageId: a.id,
          actorId: a.senderId,
          moderator: false,
        });
        expect(changed).toBe(true);
        expect(message).toMatchObject({ id: a.id, seq: 1, content: '', attachments: [], reactions: [] });
        expect(message.deletedAt).toBeInstanceOf(Date);
        const page = await store.page({ roomId, limit: 10 });
        expect(seqs(page.messages)).toEqual([1, 2]);
        expect(page.messages[0]).toMatchObject({ content: '', reactions: [], deletedAt: message.deletedAt });
        expect(page.messages[1]).toEqual(b);
        expect(await store.latestSeq(roomId)).toBe(2);
        expect((await store.append(input({ roomId }))).message.seq).toBe(3);
      });

      it('is idempotent: deleting a tombstone answers it unchanged', async () => {
        const [m] = await fill(uuidv7(), 1);
        const first = await store.delete({
          roomId: m.roomId,
          messageId: m.id,
          actorId: m.senderId,
          moderator: false,
        });
        const again = await store.delete({
          roomId: m.roomId,
          messageId: m.id,
          actorId: m.senderId,
          moderator: false,
        });
        expect(again).toEqual({ message: first.message, changed: false });
      });

      it("lets a moderator delete anyone's message, and refuses other members", async () => {
        const [m] = await fill(uuidv7(), 1);
        const other = uuidv7();
        expect(
          (
            await codeOf(
              store.delete({ roomId: m.roomId, messageId: m.id, actorId: other, moderator: false }),
            )
          ).code,
        ).toBe(HistoryErrorCode.NOT_AUTHOR);
        const { changed } = await store.delete({
          roomId: m.roomId,
          messageId: m.id,
          actorId: other,
          moderator: true,
        });
        expect(changed).toBe(true);
      });

      it('refuses a message of another room as MESSAGE_NOT_FOUND', async () => {
        const [m] = await fill(uuidv7(), 1);
        expect(
          (
            await codeOf(
              store.delete({ roomId: uuidv7(), messageId: m.id, actorId: m.senderId, moderator: true }),
            )
          ).code,
        ).toBe(HistoryErrorCode.MESSAGE_NOT_FOUND);
        expect((await store.page({ roomId: m.roomId, limit: 1 })).messages[0]).toEqual(m);
      });

      it('treats a late retry of a deleted message as a duplicate, not a conflict', async () => {
        const req = input();
        const { message } = await store.append(req);
        await store.delete({
          roomId: req.roomId,
          messageId: message.id,
          actorId: req.senderId,
          moderator: false,
        });
        await expect(store.append(req)).resolves.toMatchObject({ duplicate: true, message: { content: '' } });
      });
    });

    describe('reactions', () => {
      const react = (m: StoredMessage, userId: string, emoji: string) =>
        store.addReaction({ roomId: m.roomId, messageId: m.id, userId, emoji });
      const unreact = (m: StoredMessage, userId: string, emoji: string) =>
        store.removeReaction({ roomId: m.roomId, messageId: m.id, userId, emoji });

      it('counts per emoji, most used first, with `me` for the reacting user', async () => {
        const [m] = await fill(uuidv7(), 1);
        const [ann, bob] = [uuidv7(), uuidv7()];
        expect(await react(m, ann, '👍')).toEqual({
          reactions: [{ emoji: '👍', count: 1, me: true }],
          changed: true,
        });
        expect(await react(m, bob, '🎉')).toEqual({
          reactions: [
            { emoji: '👍', count: 1, me: false },
            { emoji: '🎉', count: 1, me: true },
          ],
          changed: true,
        });
        expect((await react(m, bob, '👍')).reactions).toEqual([
          { emoji: '👍', count: 2, me: true },
          { emoji: '🎉', count: 1, me: true },
        ]);
      });

      it('is idempotent per user and emoji, both ways', async () => {
        const [m] = await fill(uuidv7(), 1);
        const ann = uuidv7();
        await react(m, ann, ':party_parrot:');
        expect(await react(m, ann, ':party_parrot:')).toEqual({
          reactions: [{ emoji: ':party_parrot:', count: 1, me: true }],
          changed: false,
        });
        expect(await unreact(m, ann, ':party_parrot:')).toEqual({ reactions: [], changed: true });
        expect(await unreact(m, ann, ':party_parrot:')).toEqual({ reactions: [], changed: false });
      });

      it('shows in pages with `me` for the viewer, and none without a viewer', async () => {
        const roomId = uuidv7();
        const [m] = await fill(roomId, 1);
        const [ann, bob] = [uuidv7(), uuidv7()];
        await react(m, ann, '❤️');
        await react(m, bob, '❤️');
        await react(m, ann, '🇰🇷');
        expect((await store.page({ roomId, limit: 1, viewerId: bob })).messages[0].reactions).toEqual([
          { emoji: '❤️', count: 2, me: true },
          { emoji: '🇰🇷', count: 1, me: false },
        ]);
        expect((await store.page({ roomId, limit: 1 })).messages[0].reactions).toEqual([
          { emoji: '❤️', count: 2, me: false },
          { emoji: '🇰🇷', count: 1, me: false },
        ]);
      });

      it('counts 12 people reacting at once exactly', async () => {
        const [m] = await fill(uuidv7(), 1);
        await Promise.all(range(1, 12).map(() => react(m, uuidv7(), '🔥')));
        expect((await react(m, uuidv7(), '🔥')).reactions).toEqual([{ emoji: '🔥', count: 13, me: true }]);
      });

      it('refuses a bad emoji, a tombstone, another room, and more than the per-user maximum', async () => {
        const [m] = await fill(uuidv7(), 1);
        const ann = uuidv7();
        for (const emoji of ['', 'a', '👍👍', 'thumbs up', ':Upper:', '<script>', '👍 ']) {
          expect((await codeOf(react(m, ann, emoji))).code).toBe(CommonErrorCode.VALIDATION_FAILED);
        }
        expect(
          (await codeOf(store.addReaction({ roomId: uuidv7(), messageId: m.id, userId: ann, emoji: '👍' })))
            .code,
        ).toBe(HistoryErrorCode.MESSAGE_NOT_FOUND);
        for (let i = 0; i < HistoryLimits.REACTIONS_PER_USER_MAX; i++) await react(m, ann, `:e${i}:`);
        expect((await codeOf(react(m, ann, '👍'))).code).toBe(HistoryErrorCode.TOO_MANY_REACTIONS);
        await store.delete({ roomId: m.roomId, messageId: m.id, actorId: m.senderId, moderator: false });
        expect((await codeOf(react(m, uuidv7(), '👍'))).code).toBe(HistoryErrorCode.MESSAGE_DELETED);
      });
    });

    describe('summary', () => {
      it('answers lastSeq and the newest live message per room, in the order asked, in one call', async () => {
        const [busy, quiet, unknown, tombstoned] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
        const busyMessages = await fill(busy, 3);
        const [q1] = await fill(quiet, 1);
        const [t1, t2] = await fill(tombstoned, 2);
        await store.delete({ roomId: tombstoned, messageId: t2.id, actorId: t2.senderId, moderator: false });
        const out = await store.summary([quiet, unknown, busy.toUpperCase(), tombstoned]);
        expect(out.map((s) => [s.roomId, s.lastSeq, s.lastMessage?.id ?? null])).toEqual([
          [quiet, 1, q1.id],
          [unknown, 0, null],
          [busy, 3, busyMessages[2].id],
          [tombstoned, 2, t1.id],
        ]);
        expect(out[2].lastMessage).toMatchObject({ content: 'm3', seq: 3 });
      });

      it('handles an empty list and refuses more than SUMMARY_ROOMS_MAX rooms', async () => {
        expect(await store.summary([])).toEqual([]);
        const many = Array.from({ length: HistoryLimits.SUMMARY_ROOMS_MAX + 1 }, () => uuidv7());
        expect((await codeOf(store.summary(many))).code).toBe(CommonErrorCode.VALIDATION_FAILED);
        const max = await store.summary(many.slice(1));
        expect(max).toHaveLength(HistoryLimits.SUMMARY_ROOMS_MAX);
      });
    });

    describe('readSpans', () => {
      it('clamps each read to the newest seq and names the authors of the visible messages it covers, in the order asked', async () => {
        const [room, other, empty] = [uuidv7(), uuidv7(), uuidv7()];
        const [alice, bob, carol] = [uuidv7(), uuidv7(), uuidv7()];
        const say = async (roomId: string, senderId: string, kind: AppendInput['kind'] = 'text') =>
          (
            await store.append(
              input({ roomId, senderId, kind, content: kind === 'system' ? 'notice' : 'hi' }),
            )
          ).message;
        await say(room, alice); // 1
        await say(room, bob); // 2
        await say(room, alice, 'system'); // 3: a notice has no author to tell
        const gone = await say(room, carol); // 4
        await store.delete({ roomId: room, messageId: gone.id, actorId: carol, moderator: false });
        await say(room, bob); // 5
        await say(other, carol); // 1
        const out = await store.readSpans([
          { roomId: room, afterSeq: 0, seq: 5 },
          { roomId: other.toUpperCase(), afterSeq: 0, seq: 99 },
          { roomId: room, afterSeq: 2, seq: 4 },
          { roomId: room, afterSeq: 1, seq: 2 },
          { roomId: empty, afterSeq: 0, seq: 3 },
          { roomId: room, afterSeq: 5, seq: 5 },
        ]);
        expect(out.map((s) => ({ ...s, authors: s.authors && [...s.authors].sort() }))).toEqual([
          { upTo: 5, authors: [alice, bob].sort() },
          { upTo: 1, authors: [carol] },
          { upTo: 4, authors: [] },
          { upTo: 2, authors: [bob] },
          { upTo: 0, authors: [] },
          { upTo: 5, authors: [] },
        ]);
      });

      it('names no authors for a read of more than READ_SPAN_MAX messages, and handles an empty list', async () => {
        const roomId = uuidv7();
        await fill(roomId, HistoryLimits.READ_SPAN_MAX + 1);
        const [long, atMost] = await store.readSpans([
          { roomId, afterSeq: 0, seq: HistoryLimits.READ_SPAN_MAX + 1 },
          { roomId, afterSeq: 1, seq: HistoryLimits.READ_SPAN_MAX + 1 },
        ]);
        expect(long).toEqual({ upTo: HistoryLimits.READ_SPAN_MAX + 1, authors: null });
        expect(atMost.authors).toHaveLength(1);
        expect(await store.readSpans([])).toEqual([]);
      });

      it('refuses a bad room id or seq', async () => {
        for (const bad of [
          { roomId: 'nope', afterSeq: 0, seq: 1 },
          { roomId: uuidv7(), afterSeq: -1, seq: 1 },
          { roomId: uuidv7(), afterSeq: 0, seq: 1.5 },
        ])
          expect((await rejection(store.readSpans([bad]))).code).toBe(CommonErrorCode.VALIDATION_FAILED);
      });
    });

    describe('search', () => {
      const [ko, en, other] = [uuidv7(), uuidv7(), uuidv7()];
      const texts: Record<string, string[]> = {
        [ko]: [
          '안녕하세요 여러분',
          '오늘 회의는 3시입니다',
          '회의록 공유드려요',
          '100% 확실해요',
          'a_b 그리고 a.c',
        ],
        [en]: [
          'Hello World',
          'the quick brown fox',
          'HELLO again',
          'price: $5 (approx.) [sic]',
          'what? *stars*',
        ],
        [other]: ['hello from elsewhere', '안녕하세요 다른 방'],
      };
      const stored: Record<string, StoredMessage[]> = {};

      beforeAll(async () => {
        for (const roomId of [ko, en, other]) {
          stored[roomId] = [];
          for (const content of texts[roomId])
            stored[roomId].push((await store.append(input({ roomId, content }))).message);
        }
      });

      const find = async (
        query: string,
        rooms = [ko, en],
        extra: Partial<Parameters<HistoryStore['search']>[0]> = {},
      ) =>
        (
          await store.search({ rooms: rooms.map((roomId) => ({ roomId })), query, limit: 20, ...extra })
        ).messages.map((m) => m.content);

      it('finds substrings in Korean, including two-syllable ones', async () => {
        expect(await find('회의')).toEqual(['회의록 공유드려요', '오늘 회의는 3시입니다']);
        expect(await find('안녕하세요')).toEqual(['안녕하세요 여러분']);
        expect(await find('녕하')).toEqual(['안녕하세요 여러분']);
        expect(await find('공유드려요')).toEqual(['회의록 공유드려요']);
      });

      it('finds English case-insensitively, newest first, with room ids', async () => {
        const hits = await store.search({ rooms: [{ roomId: en }], query: 'hello', limit: 10 });
        expect(hits.messages.map((m) => [m.roomId, m.content])).toEqual([
          [en, 'HELLO again'],
          [en, 'Hello World'],
        ]);
        expect(await find('QUICK BROWN')).toEqual(['the quick brown fox']);
      });

      it('takes %, _, backslash and regular-expression characters literally', async () => {
        expect(await find('%')).toEqual(['100% 확실해요']);
        expect(await find('a_b')).toEqual(['a_b 그리고 a.c']);
        expect(await find('a.c')).toEqual(['a_b 그리고 a.c']);
        expect(await find('_')).toEqual(['a_b 그리고 a.c']);
        expect(await find('$5 (approx.) [sic]')).toEqual(['price: $5 (approx.) [sic]']);
        expect(await find('*stars*')).toEqual(['what? *stars*']);
        for (const q of ['.*', '^', '[a-z]+', '\\', 'a%c', '|', '{2}', '+'])
          expect(await find(q)).toEqual([]);
      });

      it('finds new messages before and after they are merged into the index, and merges only what is new', async () => {
        const meeting = ['회의록 공유드려요', '오늘 회의는 3시입니다'];
        expect(await find('회의')).toEqual(meeting);
        const added = (await store.append(input({ roomId: ko, content: '회의 끝났어요 👋' }))).message;
        expect(await find('회의')).toEqual(['회의 끝났어요 👋', ...meeting]);
        expect(await store.mergeSearchIndex()).toBeGreaterThanOrEqual(0);
        expect(await find('회의')).toEqual(['회의 끝났어요 👋', ...meeting]);
        expect(await find('끝났어')).toEqual(['회의 끝났어요 👋']);
        expect(await store.mergeSearchIndex()).toBe(0);
        await store.delete({ roomId: ko, messageId: added.id, actorId: added.senderId, moderator: false });
        expect(await find('회의')).toEqual(meeting);
      });

      it('looks only in the rooms given', async () => {
        expect(await find('안녕하세요', [other])).toEqual(['안녕하세요 다른 방']);
        expect(await find('hello', [ko])).toEqual([]);
        expect(await find('hello', [])).toEqual([]);
        expect(await find('hello', [uuidv7()])).toEqual([]);
      });

      it('hides messages before a room’s visibleFrom', async () => {
        const cut = new Date(stored[en][2].createdAt.getTime());
        const page = await store.search({
          rooms: [{ roomId: en, visibleFrom: cut }, { roomId: other }],
          query: 'hello',
          limit: 10,
        });
        expect(page.messages.map((m) => m.content)).toEqual(['hello from elsewhere', 'HELLO again']);
      });

      it('pages newest first with beforeId', async () => {
        const rooms = [{ roomId: ko }, { roomId: en }, { roomId: other }];
        const first = await store.search({ rooms, query: 'l', limit: 2 });
        expect(first.hasMore).toBe(true);
        const second = await store.search({ rooms, query: 'l', limit: 10, beforeId: first.messages[1].id });
        const all = [...first.messages, ...second.messages].map((m) => m.id);
        const expected = Object.values(stored)
          .flat()
          .filter((m) => m.content.toLowerCase().includes('l'))
          .map((m) => m.id)
          .sort()
          .reverse();
        expect(all).toEqual(expected);
        expect(second.hasMore).toBe(false);
      });

      it('leaves out deleted messages and finds edited ones by their new text only', async () => {
        const roomId = uuidv7();
        const [a, b] = [
          (await store.append(input({ roomId, content: 'zebra crossing' }))).message,
          (await store.append(input({ roomId, content: 'zebra stripes' }))).message,
        ];
        await store.delete({ roomId, messageId: a.id, actorId: a.senderId, moderator: false });
        await store.edit({
          roomId,
          messageId: b.id,
          actorId: b.senderId,
          content: 'giraffe neck',
          windowSeconds: 60,
        });
        expect(await find('zebra', [roomId])).toEqual([]);
        expect(await find('giraffe', [roomId])).toEqual(['giraffe neck']);
      });

      it('refuses a blank query and one over SEARCH_QUERY_MAX_CHARS (10 KB of text) as VALIDATION_FAILED', async () => {
        for (const query of ['', '   ', 'x'.repeat(10 * 1024), 'a\u0000b']) {
          expect((await codeOf(store.search({ rooms: [{ roomId: en }], query, limit: 5 }))).code).toBe(
            CommonErrorCode.VALIDATION_FAILED,
          );
        }
      });
    });

    describe('exportPage', () => {
      it('walks the live messages ascending in large pages, skipping tombstones', async () => {
        const roomId = uuidv7();
        const all = await fill(roomId, 7);
        await store.delete({ roomId, messageId: all[2].id, actorId: all[2].senderId, moderator: false });
        const first = await store.exportPage({ roomId, afterSeq: 0, limit: 4 });
        expect({ seqs: seqs(first.messages), hasMore: first.hasMore }).toEqual({
          seqs: [1, 2, 4, 5],
          hasMore: true,
        });
        const rest = await store.exportPage({ roomId, afterSeq: 5, limit: 4 });
        expect({ seqs: seqs(rest.messages), hasMore: rest.hasMore }).toEqual({
          seqs: [6, 7],
          hasMore: false,
        });
        expect(rest.messages[1]).toMatchObject({ content: 'm7', createdAt: all[6].createdAt });
        expect((await codeOf(store.exportPage({ roomId, afterSeq: -1, limit: 4 }))).code).toBe(
          HistoryErrorCode.INVALID_CURSOR,
        );
      });
    });

    // Last: purging with a global policy removes every other test's messages too.
    describe('retention', () => {
      it('stores a per-room override: days, 0 (keep forever) or null (global applies)', async () => {
        const roomId = uuidv7();
        expect(await store.getRetention(roomId)).toBeNull();
        await store.setRetention(roomId, 7);
        expect(await store.getRetention(roomId)).toBe(7);
        await store.setRetention(roomId, 0);
        expect(await store.getRetention(roomId)).toBe(0);
        await store.setRetention(roomId, null);
        expect(await store.getRetention(roomId)).toBeNull();
        for (const days of [-1, Number.NaN, HistoryLimits.RETENTION_DAYS_MAX + 1]) {
          expect((await codeOf(store.setRetention(roomId, days))).code).toBe(
            CommonErrorCode.VALIDATION_FAILED,
          );
        }
      });

      it('deletes for good what the policy in force expires, in batches, keeping seqs and other rooms', async () => {
        const [short, keep, global] = [uuidv7(), uuidv7(), uuidv7()];
        const shortMessages = await fill(short, 5);
        await store.addReaction({
          roomId: short,
          messageId: shortMessages[0].id,
          userId: uuidv7(),
          emoji: '👍',
        });
        await fill(keep, 2);
        await fill(global, 2);
        await store.setRetention(short, 1);
        await store.setRetention(keep, 0);
        const inTwoDays = new Date(Date.now() + 2 * DAY_MS);

        // Only the room with its own 1-day policy expires while the global policy keeps everything.
        const first = await store.purgeExpired({ now: inTwoDays, globalDays: 0, batchSize: 2 });
        expect(first).toEqual({ ran: true, deleted: 5 });
        expect(await store.page({ roomId: short, limit: 10 })).toEqual({ messages: [], hasMore: false });
        expect(await store.latestSeq(short)).toBe(5);
        expect((await store.append(input({ roomId: short }))).message.seq).toBe(6);
        expect(
          (
            await codeOf(
              store.addReaction({
                roomId: short,
                messageId: shortMessages[0].id,
                userId: uuidv7(),
                emoji: '👍',
              }),
            )
          ).code,
        ).toBe(HistoryErrorCode.MESSAGE_NOT_FOUND);

        // Not old enough yet.
        expect(await store.purgeExpired({ now: new Date(), globalDays: 1, batchSize: 100 })).toMatchObject({
          ran: true,
        });
        expect(seqs((await store.page({ roomId: global, limit: 10 })).messages)).toEqual([1, 2]);

        // The global policy expires everything without an override; 0 keeps its room.
        const second = await store.purgeExpired({ now: inTwoDays, globalDays: 1, batchSize: 50 });
        expect(second.ran).toBe(true);
        expect(second.deleted).toBeGreaterThanOrEqual(2);
        expect((await store.page({ roomId: global, limit: 10 })).messages).toEqual([]);
        expect(seqs((await store.page({ roomId: keep, limit: 10 })).messages)).toEqual([1, 2]);
        expect((await store.page({ roomId: short, limit: 10 })).messages).toEqual([]);
      }, 60_000);
    });
  });
}

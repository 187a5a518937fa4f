import { CommonErrorCode, HistoryErrorCode, Limits } from '@app/contracts';
import { AppException } from '@app/common';
import {
  AppendInput,
  prepareAppend,
  preparePage,
  resolveRepeat,
  StoredMessage,
  toPage,
} from './history-store';

const roomId = '0190f5c2-7c1a-7000-8000-000000000001';
const senderId = '0190f5c2-7c1a-7000-8000-000000000002';
const input: AppendInput = { roomId, senderId, clientMsgId: 'c1', kind: 'text', content: 'hi' };

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppException ? err.code : 'not an AppException';
  }
  return undefined;
};

const msg = (seq: number): StoredMessage => ({
  id: `id-${seq}`,
  roomId,
  seq,
  senderId,
  kind: 'text',
  content: `m${seq}`,
  clientMsgId: `c${seq}`,
  createdAt: new Date(0),
});

describe('preparePage', () => {
  it('tells the three reads apart', () => {
    expect(preparePage({ roomId, limit: 5 }).direction).toEqual({ kind: 'latest' });
    expect(preparePage({ roomId, limit: 5, beforeSeq: 9 }).direction).toEqual({ kind: 'before', seq: 9 });
    expect(preparePage({ roomId, limit: 5, afterSeq: 0 }).direction).toEqual({ kind: 'after', seq: 0 });
  });

  it('lower-cases the room id', () => {
    expect(preparePage({ roomId: roomId.toUpperCase(), limit: 1 }).roomId).toBe(roomId);
  });

  it('refuses both cursors, and cursors out of range, as INVALID_CURSOR', () => {
    expect(codeOf(() => preparePage({ roomId, limit: 5, beforeSeq: 3, afterSeq: 1 }))).toBe(
      HistoryErrorCode.INVALID_CURSOR,
    );
    expect(codeOf(() => preparePage({ roomId, limit: 5, beforeSeq: 0 }))).toBe(
      HistoryErrorCode.INVALID_CURSOR,
    );
    expect(codeOf(() => preparePage({ roomId, limit: 5, afterSeq: -1 }))).toBe(
      HistoryErrorCode.INVALID_CURSOR,
    );
    expect(codeOf(() => preparePage({ roomId, limit: 5, beforeSeq: Number.MAX_SAFE_INTEGER + 2 }))).toBe(
      HistoryErrorCode.INVALID_CURSOR,
    );
  });

  it('refuses a limit outside 1..PAGE_MAX', () => {
    for (const limit of [0, -1, Limits.PAGE_MAX + 1, 1.5, Number.NaN]) {
      expect(codeOf(() => preparePage({ roomId, limit }))).toBe(CommonErrorCode.VALIDATION_FAILED);
    }
    expect(codeOf(() => preparePage({ roomId, limit: Limits.PAGE_MAX }))).toBeUndefined();
  });
});

describe('toPage', () => {
  it('drops the extra row and turns a newest-first read ascending', () => {
    const prepared = preparePage({ roomId, limit: 2 });
    expect(toPage([msg(9), msg(8), msg(7)], prepared)).toEqual({ messages: [msg(8), msg(9)], hasMore: true });
    expect(toPage([msg(2), msg(1)], prepared)).toEqual({ messages: [msg(1), msg(2)], hasMore: false });
  });

  it('keeps an oldest-first read as it is', () => {
    const prepared = preparePage({ roomId, limit: 2, afterSeq: 3 });
    expect(toPage([msg(4), msg(5), msg(6)], prepared)).toEqual({ messages: [msg(4), msg(5)], hasMore: true });
  });
});

describe('prepareAppend', () => {
  it('accepts a normal message and lower-cases ids', () => {
    expect(prepareAppend({ ...input, roomId: roomId.toUpperCase() })).toEqual(input);
  });

  it('counts the size limit in code points', () => {
    expect(
      codeOf(() => prepareAppend({ ...input, content: '👋'.repeat(Limits.MESSAGE_MAX_CHARS) })),
    ).toBeUndefined();
    expect(
      codeOf(() => prepareAppend({ ...input, content: '👋'.repeat(Limits.MESSAGE_MAX_CHARS + 1) })),
    ).toBe(HistoryErrorCode.MESSAGE_TOO_LARGE);
  });

  it('refuses what one of the stores could not keep exactly', () => {
    for (const bad of [
      { content: 'a\u0000' },
      { content: '\udc00' },
      { clientMsgId: '\u0000' },
      { senderId: 'x' },
    ]) {
      expect(codeOf(() => prepareAppend({ ...input, ...bad }))).toBe(CommonErrorCode.VALIDATION_FAILED);
    }
  });
});

describe('resolveRepeat', () => {
  const stored: StoredMessage = { ...msg(1), clientMsgId: 'c1', content: 'hi' };

  it('answers the original for the same message', () => {
    expect(resolveRepeat(stored, input)).toEqual({ message: stored, duplicate: true });
  });

  it('is a conflict when room, kind or content differ', () => {
    for (const changed of [{ content: 'other' }, { kind: 'image' as const }, { roomId: senderId }]) {
      expect(codeOf(() => resolveRepeat(stored, { ...input, ...changed }))).toBe(
        HistoryErrorCode.IDEMPOTENCY_CONFLICT,
      );
    }
  });
});

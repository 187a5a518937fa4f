import { CommonErrorCode, HistoryErrorCode, Limits } from '@app/contracts';
import { AppException } from '@app/common';
import {
  AppendInput,
  editRefusal,
  escapeLike,
  escapeRegExp,
  prepareAppend,
  prepareRange,
  toAroundPage,
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
  attachments: [],
  editedAt: null,
  deletedAt: null,
  replyToId: null,
  effects: [],
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

describe('the chat-log rules both stores share', () => {
  it('splits an around page into older context, the message and newer context', () => {
    const id = '0190f5c2-7c1a-7000-8000-00000000000a';
    expect(preparePage({ roomId, limit: 5, aroundId: id }).direction).toEqual({
      kind: 'around',
      id,
      older: 2,
      newer: 2,
    });
    expect(preparePage({ roomId, limit: 4, aroundId: id }).direction).toEqual({
      kind: 'around',
      id,
      older: 1,
      newer: 2,
    });
    expect(preparePage({ roomId, limit: 1, aroundId: id }).direction).toEqual({
      kind: 'around',
      id,
      older: 0,
      newer: 0,
    });
    expect(toAroundPage([msg(4), msg(3), msg(2)], msg(5), [msg(6)], { older: 2, newer: 2 })).toEqual({
      messages: [msg(3), msg(4), msg(5), msg(6)],
      hasMore: true,
      hasMoreBefore: true,
      hasMoreAfter: false,
    });
  });

  it('refuses an empty or inverted date range as INVALID_RANGE, and uses the later of from and visibleFrom', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-01-04T00:00:00Z');
    for (const [a, b] of [
      [from, from],
      [to, from],
    ]) {
      expect(codeOf(() => prepareRange({ roomId, from: a, to: b, limit: 5, includeDeleted: true }))).toBe(
        HistoryErrorCode.INVALID_RANGE,
      );
    }
    const visibleFrom = new Date('2026-01-02T00:00:00Z');
    expect(
      prepareRange({ roomId, from, to, limit: 5, includeDeleted: true, visibleFrom }).effectiveFrom,
    ).toEqual(visibleFrom);
  });

  it('escapes LIKE wildcards and regular-expression characters so queries are literal', () => {
    expect(escapeLike('100%_a\\b')).toBe('100\\%\\_a\\\\b');
    expect(new RegExp(escapeRegExp('.*+?^${}()|[]\\/-')).test('.*+?^${}()|[]\\/-')).toBe(true);
    expect(new RegExp(escapeRegExp('a.c')).test('abc')).toBe(false);
  });

  it('says why an edit did not happen, in order: missing, deleted, not the author, window closed', () => {
    const now = new Date(60_000);
    const input = { roomId, messageId: 'id-1', actorId: senderId, content: 'new', windowSeconds: 30 };
    expect(editRefusal(null, input, now)?.code).toBe(HistoryErrorCode.MESSAGE_NOT_FOUND);
    expect(editRefusal({ ...msg(1), deletedAt: now }, input, now)?.code).toBe(
      HistoryErrorCode.MESSAGE_DELETED,
    );
    expect(editRefusal(msg(1), { ...input, actorId: roomId }, now)?.code).toBe(HistoryErrorCode.NOT_AUTHOR);
    expect(editRefusal(msg(1), input, now)?.code).toBe(HistoryErrorCode.EDIT_WINDOW_CLOSED);
    expect(editRefusal({ ...msg(1), content: 'new' }, input, now)).toBeNull();
  });

  it('recognises a late retry of an edited or deleted message by room, kind and reply', () => {
    const edited: StoredMessage = { ...msg(1), clientMsgId: 'c1', content: 'changed', editedAt: new Date(1) };
    expect(resolveRepeat(edited, input)).toEqual({ message: edited, duplicate: true });
    expect(codeOf(() => resolveRepeat(edited, { ...input, replyToId: roomId }))).toBe(
      HistoryErrorCode.IDEMPOTENCY_CONFLICT,
    );
  });
});

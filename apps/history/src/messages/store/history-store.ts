import { CommonErrorCode, HistoryErrorCode, Limits, MessageKind } from '@app/contracts';
import { AppException } from '@app/common';

/** A message as the history log holds it. */
export interface StoredMessage {
  id: string;
  roomId: string;
  /** Position in the room: 1, 2, 3... with no gaps. The order of the room. */
  seq: number;
  senderId: string;
  kind: MessageKind;
  content: string;
  clientMsgId: string;
  createdAt: Date;
}

export interface AppendInput {
  roomId: string;
  senderId: string;
  /** The sender's idempotency key: a repeat of (senderId, clientMsgId) stores nothing new. */
  clientMsgId: string;
  kind: MessageKind;
  content: string;
}

export interface AppendResult {
  message: StoredMessage;
  duplicate: boolean;
}

export interface PageQuery {
  roomId: string;
  beforeSeq?: number;
  afterSeq?: number;
  limit: number;
}

export interface MessagePage {
  /** Ascending by seq. */
  messages: StoredMessage[];
  /** More exist beyond this page in the direction asked (older without a cursor or with beforeSeq, newer with afterSeq). */
  hasMore: boolean;
}

/**
 * The message log. Every implementation keeps the same rules (the contract suite in
 * history-store.contract.ts runs against each):
 * - ids are UUIDv7, assigned after the seq is taken, so within a process they rise with seq;
 * - seq is per room, from 1, gapless and unique, also with several processes appending at once;
 * - (senderId, clientMsgId) is an idempotency key: a repeat returns the original with
 *   `duplicate: true`; a repeat with different room, kind or content is IDEMPOTENCY_CONFLICT;
 * - `append` has committed when it resolves.
 */
export interface HistoryStore {
  readonly name: 'postgres' | 'mongodb';
  append(input: AppendInput): Promise<AppendResult>;
  page(q: PageQuery): Promise<MessagePage>;
  /** 0 for a room with no messages. */
  latestSeq(roomId: string): Promise<number>;
  ping(): Promise<boolean>;
}

export const HISTORY_STORE = Symbol('HISTORY_STORE');

const KINDS: readonly MessageKind[] = ['text', 'image', 'emoticon', 'system'];

/** No lone surrogates: they would be replaced with U+FFFD on the way to storage, not kept. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

function codePointsExceed(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let n = 0;
  for (const _ of text) if (++n > max) return true;
  return false;
}

function invalid(field: string, reason: string): AppException {
  return new AppException(CommonErrorCode.VALIDATION_FAILED, `${field}: ${reason}`, [{ field, reason }]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PostgreSQL prints uuids in lower case; MongoDB keeps strings as given. Normalise so both agree. */
function normalizeId(field: string, value: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw invalid(field, 'must be a UUID');
  return value.toLowerCase();
}

export function prepareRoomId(roomId: string): string {
  return normalizeId('roomId', roomId);
}

/**
 * Checks both stores share, so they refuse the same inputs the same way whoever calls them.
 * The command contract already covers most of this; NUL is here because PostgreSQL text cannot
 * hold it (MongoDB could), and a message must not be storable in one backend only.
 */
export function prepareAppend(input: AppendInput): AppendInput {
  const roomId = normalizeId('roomId', input.roomId);
  const senderId = normalizeId('senderId', input.senderId);
  if (!KINDS.includes(input.kind)) throw invalid('kind', `must be one of ${KINDS.join(', ')}`);
  if (input.clientMsgId.length < 1 || input.clientMsgId.length > Limits.CLIENT_MSG_ID_MAX) {
    throw invalid('clientMsgId', `must be 1 to ${Limits.CLIENT_MSG_ID_MAX} characters`);
  }
  if (!isWellFormed(input.clientMsgId) || input.clientMsgId.includes('\u0000')) {
    throw invalid('clientMsgId', 'must be valid Unicode text without NUL characters');
  }
  if (!isWellFormed(input.content)) throw invalid('content', 'must be valid Unicode text');
  if (input.content.includes('\u0000')) throw invalid('content', 'must not contain NUL characters');
  if (codePointsExceed(input.content, Limits.MESSAGE_MAX_CHARS)) {
    throw new AppException(
      HistoryErrorCode.MESSAGE_TOO_LARGE,
      `content must be at most ${Limits.MESSAGE_MAX_CHARS} characters`,
      [{ field: 'content', reason: 'too long' }],
    );
  }
  return { ...input, roomId, senderId };
}

export type PageDirection =
  { kind: 'latest' } | { kind: 'before'; seq: number } | { kind: 'after'; seq: number };

export interface PreparedPage {
  roomId: string;
  direction: PageDirection;
  limit: number;
}

/** Validate a page query and say which of the three reads it is. */
export function preparePage(q: PageQuery): PreparedPage {
  const roomId = normalizeId('roomId', q.roomId);
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > Limits.PAGE_MAX) {
    throw invalid('limit', `must be an integer from 1 to ${Limits.PAGE_MAX}`);
  }
  const hasBefore = q.beforeSeq !== undefined && q.beforeSeq !== null;
  const hasAfter = q.afterSeq !== undefined && q.afterSeq !== null;
  if (hasBefore && hasAfter) {
    throw new AppException(HistoryErrorCode.INVALID_CURSOR, 'Give beforeSeq or afterSeq, not both', [
      { field: 'beforeSeq', reason: 'cannot be combined with afterSeq' },
    ]);
  }
  if (hasBefore) {
    const seq = q.beforeSeq as number;
    if (!Number.isSafeInteger(seq) || seq < 1)
      throw cursorError('beforeSeq', 'must be an integer of at least 1');
    return { roomId, limit: q.limit, direction: { kind: 'before', seq } };
  }
  if (hasAfter) {
    const seq = q.afterSeq as number;
    if (!Number.isSafeInteger(seq) || seq < 0)
      throw cursorError('afterSeq', 'must be an integer of at least 0');
    return { roomId, limit: q.limit, direction: { kind: 'after', seq } };
  }
  return { roomId, limit: q.limit, direction: { kind: 'latest' } };
}

function cursorError(field: string, reason: string): AppException {
  return new AppException(HistoryErrorCode.INVALID_CURSOR, `${field} ${reason}`, [{ field, reason }]);
}

/**
 * Both stores read `limit + 1` rows in the direction asked; the extra row only says whether
 * there is more. Rows come newest-first for 'latest'/'before' and oldest-first for 'after'.
 */
export function toPage(rows: StoredMessage[], { direction, limit }: PreparedPage): MessagePage {
  const hasMore = rows.length > limit;
  const kept = rows.slice(0, limit);
  if (direction.kind !== 'after') kept.reverse();
  return { messages: kept, hasMore };
}

/** The same key with another room, kind or content is a different message, not a retry. */
function sameMessage(existing: StoredMessage, input: AppendInput): boolean {
  return (
    existing.roomId === input.roomId && existing.kind === input.kind && existing.content === input.content
  );
}

function idempotencyConflict(): AppException {
  return new AppException(
    HistoryErrorCode.IDEMPOTENCY_CONFLICT,
    'This clientMsgId was already used for a different message',
    [{ field: 'clientMsgId', reason: 'already used for a different message' }],
  );
}

/** What a repeat of an existing key answers: the original, or a conflict. */
export function resolveRepeat(existing: StoredMessage, input: AppendInput): AppendResult {
  if (!sameMessage(existing, input)) throw idempotencyConflict();
  return { message: existing, duplicate: true };
}

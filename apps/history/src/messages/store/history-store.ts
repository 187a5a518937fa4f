import {
  ATTACHMENT_CONTENT_TYPES,
  AttachmentLimits,
  CommonErrorCode,
  HistoryErrorCode,
  HistoryLimits,
  isReactionEmoji,
  Limits,
  MessageKind,
} from '@app/contracts';
import { AppException } from '@app/common';

/**
 * An image of a `kind: image` message: metadata only. The bytes live with the room service
 * (`room.attachments`), which checked and claimed them before the append.
 */
export interface StoredAttachment {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  width?: number;
  height?: number;
}

/** One emoji on one message: how many people used it, and whether the viewer is one of them. */
export interface ReactionCount {
  emoji: string;
  count: number;
  me: boolean;
}

/** A message as the history log holds it. */
export interface StoredMessage {
  id: string;
  roomId: string;
  /** Position in the room: 1, 2, 3... with no gaps. The order of the room. */
  seq: number;
  senderId: string;
  kind: MessageKind;
  /** '' once deleted. */
  content: string;
  clientMsgId: string;
  createdAt: Date;
  attachments: StoredAttachment[];
  editedAt: Date | null;
  /** Set on a tombstone: content and attachments cleared, reactions removed, seq kept. */
  deletedAt: Date | null;
  replyToId: string | null;
  /** Special-word effects attached at send time (names like 'confetti'); [] for none. */
  effects: string[];
  /** Most used first; undefined where a read does not load them (summaries, exports). */
  reactions?: ReactionCount[];
}

export interface AppendInput {
  roomId: string;
  senderId: string;
  /** The sender's idempotency key: a repeat of (senderId, clientMsgId) stores nothing new. */
  clientMsgId: string;
  kind: MessageKind;
  content: string;
  /** A message of the same room this one answers. */
  replyToId?: string;
  /** Effect names to show with it (computed by the room service from the content). */
  effects?: string[];
  /** Required for kind `image` (1 to AttachmentLimits.PER_MESSAGE_MAX), refused for other kinds. */
  attachments?: StoredAttachment[];
}

export interface AppendResult {
  message: StoredMessage;
  duplicate: boolean;
}

export interface PageQuery {
  roomId: string;
  beforeSeq?: number;
  afterSeq?: number;
  /** Centre the page on this message (limit split into older context, the message, newer context). */
  aroundId?: string;
  limit: number;
  /** Whose reactions count as `me`. */
  viewerId?: string;
  /** Hide everything created before this. */
  visibleFrom?: Date;
}

export interface MessagePage {
  /** Ascending by seq. */
  messages: StoredMessage[];
  /** More exist beyond this page in the direction asked (older without a cursor or with beforeSeq, newer with afterSeq; around: either). */
  hasMore: boolean;
  hasMoreBefore?: boolean;
  hasMoreAfter?: boolean;
}

export interface RangeQuery {
  roomId: string;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Continue a range after this seq (the last one of the previous page). */
  afterSeq?: number;
  limit: number;
  includeDeleted: boolean;
  viewerId?: string;
  visibleFrom?: Date;
}

export interface EditInput {
  roomId: string;
  messageId: string;
  actorId: string;
  content: string;
  /** How long after createdAt the author may still edit; 0 turns editing off. */
  windowSeconds: number;
}

export interface EditResult {
  message: StoredMessage;
  /** False when the content was already this (nothing stored). */
  changed: boolean;
}

export interface DeleteInput {
  roomId: string;
  messageId: string;
  actorId: string;
  /** The caller decided the actor moderates the room (owner or admin): may delete anyone's. */
  moderator: boolean;
}

export interface DeleteResult {
  message: StoredMessage;
  /** False when it was already a tombstone. */
  changed: boolean;
}

export interface ReactionInput {
  roomId: string;
  messageId: string;
  userId: string;
  emoji: string;
}

export interface ReactionResult {
  /** The message's reactions after the change, `me` for the reacting user. */
  reactions: ReactionCount[];
  changed: boolean;
}

export interface RoomSummary {
  roomId: string;
  lastSeq: number;
  lastMessage: StoredMessage | null;
}

/** A read from `afterSeq` up to `seq` (see ReadSpanView in the contracts). */
export interface ReadSpanQuery {
  roomId: string;
  afterSeq: number;
  seq: number;
}

export interface ReadSpan {
  /** `seq`, or the room's newest seq (0 without messages) if that is lower. */
  upTo: number;
  /** Senders of the visible messages in (afterSeq, upTo], each once, in no particular order; null past READ_SPAN_MAX messages. */
  authors: string[] | null;
}

export interface SearchScope {
  roomId: string;
  visibleFrom?: Date;
}

export interface SearchQuery {
  rooms: SearchScope[];
  /** Matched literally and case-insensitively as a substring. */
  query: string;
  limit: number;
  /** Only hits older than this message id (ids are UUIDv7: time-ordered). */
  beforeId?: string;
  viewerId?: string;
}

export interface SearchPage {
  /** Newest first. */
  messages: StoredMessage[];
  hasMore: boolean;
}

export interface ExportQuery {
  roomId: string;
  afterSeq: number;
  limit: number;
}

export interface PurgeInput {
  now: Date;
  /** Global policy in days (fractions allowed); 0 keeps messages forever. Per-room overrides win. */
  globalDays: number;
  /** Rows deleted per statement, so no single statement holds locks for long. */
  batchSize: number;
}

export interface PurgeResult {
  /** False when another instance held the retention lock: this one did nothing. */
  ran: boolean;
  deleted: number;
}

/**
 * The message log. Every implementation keeps the same rules (the contract suite in
 * history-store.contract.ts runs against each):
 * - ids are UUIDv7, assigned after the seq is taken, so within a process they rise with seq;
 * - seq is per room, from 1, gapless and unique, also with several processes appending at once;
 *   deleting a message keeps its seq (tombstone); only retention removes rows;
 * - (senderId, clientMsgId) is an idempotency key: a repeat returns the original with
 *   `duplicate: true`; a repeat with different room, kind, content or reply is IDEMPOTENCY_CONFLICT;
 * - `append` has committed when it resolves;
 * - a message id given with a room id must belong to that room (MESSAGE_NOT_FOUND otherwise).
 */
export interface HistoryStore {
  readonly name: 'postgres' | 'mongodb';
  append(input: AppendInput): Promise<AppendResult>;
  page(q: PageQuery): Promise<MessagePage>;
  range(q: RangeQuery): Promise<MessagePage>;
  edit(input: EditInput): Promise<EditResult>;
  delete(input: DeleteInput): Promise<DeleteResult>;
  addReaction(input: ReactionInput): Promise<ReactionResult>;
  removeReaction(input: ReactionInput): Promise<ReactionResult>;
  /** One query for the whole batch, answers in the order asked. */
  summary(roomIds: string[]): Promise<RoomSummary[]>;
  /** One query for the whole batch, answers in the order asked; reads seqs, senders and kinds only. */
  readSpans(q: ReadSpanQuery[]): Promise<ReadSpan[]>;
  search(q: SearchQuery): Promise<SearchPage>;
  /** Non-deleted messages after a seq, ascending; reactions not loaded. */
  exportPage(q: ExportQuery): Promise<MessagePage>;
  /** The room's override in days, or null when the global policy applies. */
  getRetention(roomId: string): Promise<number | null>;
  setRetention(roomId: string, days: number | null): Promise<void>;
  /** Really delete what the retention policies expire; one instance at a time. */
  purgeExpired(input: PurgeInput): Promise<PurgeResult>;
  /**
   * Fold what the search index took in since the last call into the index proper, apart from
   * appends; how many pages that merged (0: nothing to do, or a store whose index needs no merge).
   */
  mergeSearchIndex(): Promise<number>;
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

export function messageNotFound(field = 'messageId'): AppException {
  return new AppException(HistoryErrorCode.MESSAGE_NOT_FOUND, 'No such message in this room', [
    { field, reason: 'no such message in this room' },
  ]);
}

export function messageDeleted(): AppException {
  return new AppException(HistoryErrorCode.MESSAGE_DELETED, 'The message was deleted');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PostgreSQL prints uuids in lower case; MongoDB keeps strings as given. Normalise so both agree. */
function normalizeId(field: string, value: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw invalid(field, 'must be a UUID');
  return value.toLowerCase();
}

function optionalId(field: string, value: string | undefined | null): string | undefined {
  return value === undefined || value === null ? undefined : normalizeId(field, value);
}

function validDate(field: string, value: Date | undefined): Date | undefined {
  if (value === undefined || value === null) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid(field, 'must be a valid time');
  return value;
}

export function prepareRoomId(roomId: string): string {
  return normalizeId('roomId', roomId);
}

function checkContent(content: string): void {
  if (typeof content !== 'string' || !isWellFormed(content))
    throw invalid('content', 'must be valid Unicode text');
  if (content.includes('\u0000')) throw invalid('content', 'must not contain NUL characters');
  if (codePointsExceed(content, Limits.MESSAGE_MAX_CHARS)) {
    throw new AppException(
      HistoryErrorCode.MESSAGE_TOO_LARGE,
      `content must be at most ${Limits.MESSAGE_MAX_CHARS} characters`,
      [{ field: 'content', reason: 'too long' }],
    );
  }
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
  checkContent(input.content);
  const prepared: AppendInput = { ...input, roomId, senderId };
  if (input.effects?.some((e) => !/^[a-z][a-z0-9_-]{0,31}$/.test(e))) {
    throw invalid('effects', 'effect names are 1-32 lowercase letters, digits, _ or -');
  }
  if (!input.effects?.length) delete prepared.effects;
  const replyToId = optionalId('replyToId', input.replyToId);
  if (replyToId) prepared.replyToId = replyToId;
  else delete prepared.replyToId;
  const attachments = prepareAttachments(input.kind, input.attachments);
  if (attachments) prepared.attachments = attachments;
  else delete prepared.attachments;
  return prepared;
}

const positiveInt = (v: unknown, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;

/** Images go with kind `image` only, and it needs at least one; stored as plain, known fields. */
function prepareAttachments(
  kind: MessageKind,
  given: StoredAttachment[] | undefined,
): StoredAttachment[] | undefined {
  const list = given ?? [];
  if (kind !== 'image') {
    if (list.length > 0) throw invalid('attachments', 'only image messages carry attachments');
    return undefined;
  }
  if (list.length < 1 || list.length > AttachmentLimits.PER_MESSAGE_MAX) {
    throw invalid('attachments', `an image message carries 1 to ${AttachmentLimits.PER_MESSAGE_MAX} images`);
  }
  const seen = new Set<string>();
  return list.map((a) => {
    const id = normalizeId('attachments.id', a.id);
    if (seen.has(id)) throw invalid('attachments.id', 'must not repeat');
    seen.add(id);
    if (!(ATTACHMENT_CONTENT_TYPES as readonly string[]).includes(a.mimeType)) {
      throw invalid('attachments.mimeType', `must be one of ${ATTACHMENT_CONTENT_TYPES.join(', ')}`);
    }
    if (typeof a.name !== 'string' || a.name.length < 1 || a.name.length > AttachmentLimits.NAME_MAX) {
      throw invalid('attachments.name', `must be 1 to ${AttachmentLimits.NAME_MAX} characters`);
    }
    if (!isWellFormed(a.name) || a.name.includes('\u0000')) {
      throw invalid('attachments.name', 'must be valid Unicode text without NUL characters');
    }
    if (!positiveInt(a.size, AttachmentLimits.WIRE_MAX_BYTES))
      throw invalid('attachments.size', 'must be a byte count');
    const out: StoredAttachment = { id, name: a.name, mimeType: a.mimeType, size: a.size };
    if (
      positiveInt(a.width, AttachmentLimits.DIMENSION_MAX) &&
      positiveInt(a.height, AttachmentLimits.DIMENSION_MAX)
    ) {
      out.width = a.width;
      out.height = a.height;
    }
    return out;
  });
}

export type PageDirection =
  | { kind: 'latest' }
  | { kind: 'before'; seq: number }
  | { kind: 'after'; seq: number }
  /** `older` messages before the target and `newer` after it. */
  | { kind: 'around'; id: string; older: number; newer: number };

export interface PreparedPage {
  roomId: string;
  direction: PageDirection;
  limit: number;
  viewerId?: string;
  visibleFrom?: Date;
}

function checkLimit(limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw invalid('limit', `must be an integer from 1 to ${max}`);
  }
}

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Validate a page query and say which of the four reads it is. */
export function preparePage(q: PageQuery): PreparedPage {
  const roomId = normalizeId('roomId', q.roomId);
  checkLimit(q.limit, Limits.PAGE_MAX);
  const base = {
    roomId,
    limit: q.limit,
    viewerId: optionalId('viewerId', q.viewerId),
    visibleFrom: validDate('visibleFrom', q.visibleFrom),
  };
  const given = [q.beforeSeq, q.afterSeq, q.aroundId].filter(present).length;
  if (given > 1) {
    throw new AppException(HistoryErrorCode.INVALID_CURSOR, 'Give one of beforeSeq, afterSeq or aroundId', [
      { field: present(q.beforeSeq) ? 'beforeSeq' : 'afterSeq', reason: 'cannot be combined' },
    ]);
  }
  if (present(q.beforeSeq)) {
    const seq = q.beforeSeq as number;
    if (!Number.isSafeInteger(seq) || seq < 1)
      throw cursorError('beforeSeq', 'must be an integer of at least 1');
    return { ...base, direction: { kind: 'before', seq } };
  }
  if (present(q.afterSeq)) {
    const seq = q.afterSeq as number;
    if (!Number.isSafeInteger(seq) || seq < 0)
      throw cursorError('afterSeq', 'must be an integer of at least 0');
    return { ...base, direction: { kind: 'after', seq } };
  }
  if (present(q.aroundId)) {
    const id = normalizeId('aroundId', q.aroundId as string);
    const older = Math.floor((q.limit - 1) / 2);
    return { ...base, direction: { kind: 'around', id, older, newer: q.limit - 1 - older } };
  }
  return { ...base, direction: { kind: 'latest' } };
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

/** Around: `older` newest-first (up to older + 1 read), the target, `newer` oldest-first (up to newer + 1). */
export function toAroundPage(
  older: StoredMessage[],
  target: StoredMessage,
  newer: StoredMessage[],
  direction: { older: number; newer: number },
): MessagePage {
  const hasMoreBefore = older.length > direction.older;
  const hasMoreAfter = newer.length > direction.newer;
  return {
    messages: [...older.slice(0, direction.older).reverse(), target, ...newer.slice(0, direction.newer)],
    hasMore: hasMoreBefore || hasMoreAfter,
    hasMoreBefore,
    hasMoreAfter,
  };
}

export interface PreparedRange extends RangeQuery {
  /** max(from, visibleFrom). */
  effectiveFrom: Date;
}

export function prepareRange(q: RangeQuery): PreparedRange {
  const roomId = normalizeId('roomId', q.roomId);
  const from = validDate('from', q.from) as Date;
  const to = validDate('to', q.to) as Date;
  if (!from || !to) throw invalid(from ? 'to' : 'from', 'is required');
  if (from.getTime() >= to.getTime()) {
    throw new AppException(HistoryErrorCode.INVALID_RANGE, 'from must be before to', [
      { field: 'to', reason: 'must be after from' },
    ]);
  }
  checkLimit(q.limit, HistoryLimits.RANGE_PAGE_MAX);
  if (present(q.afterSeq) && (!Number.isSafeInteger(q.afterSeq) || (q.afterSeq as number) < 0)) {
    throw cursorError('afterSeq', 'must be an integer of at least 0');
  }
  const visibleFrom = validDate('visibleFrom', q.visibleFrom);
  return {
    ...q,
    roomId,
    from,
    to,
    afterSeq: present(q.afterSeq) ? q.afterSeq : undefined,
    viewerId: optionalId('viewerId', q.viewerId),
    visibleFrom,
    effectiveFrom: visibleFrom && visibleFrom > from ? visibleFrom : from,
  };
}

export function prepareEdit(input: EditInput): EditInput {
  checkContent(input.content);
  if (!/\S/.test(input.content)) throw invalid('content', 'must not be blank');
  if (!Number.isFinite(input.windowSeconds) || input.windowSeconds < 0) {
    throw invalid('windowSeconds', 'must be a number of seconds, at least 0');
  }
  return {
    ...input,
    roomId: normalizeId('roomId', input.roomId),
    messageId: normalizeId('messageId', input.messageId),
    actorId: normalizeId('actorId', input.actorId),
  };
}

/** Why an edit that changed nothing did not: the first rule the message breaks, or null if it was already this content. */
export function editRefusal(message: StoredMessage | null, input: EditInput, now: Date): AppException | null {
  if (!message) return messageNotFound();
  if (message.deletedAt) return messageDeleted();
  if (message.senderId !== input.actorId) {
    return new AppException(HistoryErrorCode.NOT_AUTHOR, 'Only the author can edit a message');
  }
  if (message.content === input.content) return null;
  if (message.createdAt.getTime() + input.windowSeconds * 1000 <= now.getTime()) {
    return new AppException(
      HistoryErrorCode.EDIT_WINDOW_CLOSED,
      `Messages can be edited for ${input.windowSeconds} seconds after sending`,
    );
  }
  return null;
}

export function prepareDelete(input: DeleteInput): DeleteInput {
  return {
    ...input,
    roomId: normalizeId('roomId', input.roomId),
    messageId: normalizeId('messageId', input.messageId),
    actorId: normalizeId('actorId', input.actorId),
    moderator: input.moderator === true,
  };
}

/** Why a delete that changed nothing did not: null when the message was already a tombstone. */
export function deleteRefusal(message: StoredMessage | null, input: DeleteInput): AppException | null {
  if (!message) return messageNotFound();
  if (!input.moderator && message.senderId !== input.actorId) {
    return new AppException(
      HistoryErrorCode.NOT_AUTHOR,
      'Only the author or a moderator can delete a message',
    );
  }
  return null;
}

export function prepareReaction(input: ReactionInput): ReactionInput {
  if (!isReactionEmoji(input.emoji)) throw invalid('emoji', 'must be a single emoji or a :shortcode:');
  return {
    ...input,
    roomId: normalizeId('roomId', input.roomId),
    messageId: normalizeId('messageId', input.messageId),
    userId: normalizeId('userId', input.userId),
  };
}

export function tooManyReactions(): AppException {
  return new AppException(
    HistoryErrorCode.TOO_MANY_REACTIONS,
    `At most ${HistoryLimits.REACTIONS_PER_USER_MAX} different reactions per message`,
  );
}

export function prepareSummary(roomIds: string[]): string[] {
  if (!Array.isArray(roomIds) || roomIds.length > HistoryLimits.SUMMARY_ROOMS_MAX) {
    throw invalid('roomIds', `must be at most ${HistoryLimits.SUMMARY_ROOMS_MAX} room ids`);
  }
  return roomIds.map((id) => normalizeId('roomIds', id));
}

export function prepareReadSpans(q: ReadSpanQuery[]): ReadSpanQuery[] {
  if (!Array.isArray(q)) throw invalid('spans', 'must be a list');
  return q.map((span) => {
    for (const field of ['afterSeq', 'seq'] as const)
      if (!Number.isSafeInteger(span[field]) || span[field] < 0)
        throw invalid(field, 'must be an integer of at least 0');
    return { roomId: normalizeId('roomId', span.roomId), afterSeq: span.afterSeq, seq: span.seq };
  });
}

export interface PreparedSearch extends SearchQuery {
  /** The query as matched: trimmed, lower-cased for stores that compare lower case themselves. */
  needle: string;
}

export function prepareSearch(q: SearchQuery): PreparedSearch {
  if (!Array.isArray(q.rooms) || q.rooms.length > HistoryLimits.SEARCH_ROOMS_MAX) {
    throw invalid('rooms', `must be at most ${HistoryLimits.SEARCH_ROOMS_MAX} rooms`);
  }
  checkLimit(q.limit, HistoryLimits.SEARCH_PAGE_MAX);
  if (typeof q.query !== 'string' || !isWellFormed(q.query) || q.query.includes('\u0000')) {
    throw invalid('query', 'must be valid Unicode text without NUL characters');
  }
  const needle = q.query.trim();
  if (!needle) throw invalid('query', 'must not be blank');
  if (codePointsExceed(needle, HistoryLimits.SEARCH_QUERY_MAX_CHARS)) {
    throw invalid('query', `must be at most ${HistoryLimits.SEARCH_QUERY_MAX_CHARS} characters`);
  }
  const seen = new Set<string>();
  const rooms: SearchScope[] = [];
  for (const scope of q.rooms) {
    const roomId = normalizeId('rooms.roomId', scope.roomId);
    if (seen.has(roomId)) continue;
    seen.add(roomId);
    rooms.push({ roomId, visibleFrom: validDate('rooms.visibleFrom', scope.visibleFrom) });
  }
  return {
    rooms,
    query: needle,
    needle: needle.toLowerCase(),
    limit: q.limit,
    beforeId: optionalId('beforeId', q.beforeId),
    viewerId: optionalId('viewerId', q.viewerId),
  };
}

/** `%`, `_` and `\` stand for themselves in a LIKE pattern built from this (ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Every regular-expression metacharacter stands for itself. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export function prepareExport(q: ExportQuery): ExportQuery {
  checkLimit(q.limit, HistoryLimits.EXPORT_PAGE_MAX);
  if (!Number.isSafeInteger(q.afterSeq) || q.afterSeq < 0) {
    throw cursorError('afterSeq', 'must be an integer of at least 0');
  }
  return { ...q, roomId: normalizeId('roomId', q.roomId) };
}

export function prepareRetentionDays(days: number | null): number | null {
  if (days === null) return null;
  if (
    typeof days !== 'number' ||
    !Number.isFinite(days) ||
    days < 0 ||
    days > HistoryLimits.RETENTION_DAYS_MAX
  ) {
    throw invalid('days', `must be from 0 to ${HistoryLimits.RETENTION_DAYS_MAX}, or null`);
  }
  return days;
}

export function preparePurge(input: PurgeInput): PurgeInput {
  if (!Number.isFinite(input.globalDays) || input.globalDays < 0) throw invalid('globalDays', 'must be ≥ 0');
  if (!Number.isInteger(input.batchSize) || input.batchSize < 1) throw invalid('batchSize', 'must be ≥ 1');
  return { ...input, now: validDate('now', input.now) as Date };
}

/** Most used first; ties by the order the emoji first appeared on the message. */
export function sortReactions(
  rows: Array<{ emoji: string; count: number; me: boolean; first: Date }>,
): ReactionCount[] {
  return [...rows]
    .sort(
      (a, b) => b.count - a.count || a.first.getTime() - b.first.getTime() || (a.emoji < b.emoji ? -1 : 1),
    )
    .map(({ emoji, count, me }) => ({ emoji, count, me }));
}

/**
 * The same key with another room, kind, reply or content is a different message, not a retry.
 * Once a message was edited or deleted its original content is gone, so a late retry of it is
 * recognised by room, kind and reply alone.
 */
function sameMessage(existing: StoredMessage, input: AppendInput): boolean {
  const contentKnown = !existing.editedAt && !existing.deletedAt;
  return (
    existing.roomId === input.roomId &&
    existing.kind === input.kind &&
    (existing.replyToId ?? undefined) === (input.replyToId ?? undefined) &&
    (!contentKnown || existing.content === input.content) &&
    (!contentKnown || sameAttachmentIds(existing.attachments, input.attachments ?? []))
  );
}

function sameAttachmentIds(a: StoredAttachment[], b: StoredAttachment[]): boolean {
  return a.length === b.length && a.every((x, i) => x.id === b[i].id);
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

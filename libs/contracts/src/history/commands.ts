import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  isISO8601,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { Limits } from '../limits';
import { IsMessageContent, IsWellFormedText, MaxCodePoints } from '../validators';
import { IsId } from '../ids';
import type {
  MessagePageView,
  MessageSearchView,
  MessageView,
  ReactionsView,
  ReadSpanView,
  RetentionView,
  RoomSummariesView,
  SendResultView,
} from '../views';
import { IsReactionEmoji } from './emoji';
import { HistoryLimits } from './limits';
import { AttachmentLimits, AttachmentRecord } from '../messages/attachments';

export * from './limits';
export * from './emoji';

/** Internal commands of the history service (queue `happychat.history.commands`): access was checked by the caller. */
export const HistoryCommands = {
  HISTORY_APPEND: 'history.append',
  HISTORY_PAGE: 'history.page',
  HISTORY_RANGE: 'history.range',
  HISTORY_EDIT: 'history.edit',
  HISTORY_DELETE: 'history.delete',
  HISTORY_REACTION_ADD: 'history.reaction.add',
  HISTORY_REACTION_REMOVE: 'history.reaction.remove',
  HISTORY_SUMMARY: 'history.summary',
  HISTORY_READ_SPAN: 'history.read.span',
  HISTORY_SEARCH: 'history.search',
  HISTORY_EXPORT_PAGE: 'history.export.page',
  HISTORY_RETENTION_GET: 'history.retention.get',
  HISTORY_RETENTION_SET: 'history.retention.set',
} as const;
const C = HistoryCommands;

const IsoTime = () => IsISO8601({ strict: true, strictSeparator: true });

/** Internal (room → history): store a message that already passed every room check. */
export class AppendMessageCommand {
  static readonly TYPE = C.HISTORY_APPEND;
  @Equals(C.HISTORY_APPEND) type: typeof C.HISTORY_APPEND;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsId() senderId: string;
  @IsString() @Length(1, Limits.CLIENT_MSG_ID_MAX) clientMsgId: string;
  @IsIn(['text', 'image', 'emoticon', 'system']) kind: 'text' | 'image' | 'emoticon' | 'system';
  @IsString() @IsWellFormedText() @MaxCodePoints(Limits.MESSAGE_MAX_CHARS) content: string;
  /** Must name a message of the same room (history.message_not_found otherwise). */
  @IsOptional() @IsId() replyToId?: string;
  /** Special-word effects the room service attached (e.g. `confetti`). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/, { each: true, message: 'effect names are lowercase words' })
  effects?: string[];
  /** kind `image` only: the images, already checked and claimed by the room service. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(AttachmentLimits.PER_MESSAGE_MAX)
  @ValidateNested({ each: true })
  @Type(() => AttachmentRecord)
  attachments?: AttachmentRecord[];
  /**
   * Whether the room has an integration, as the room service read it with the sender's
   * membership. False: `message.created` goes to gateways only (`happychat.room.fanout`), not to
   * `happychat.room.events`, which only integrations' inboxes hear. Absent counts as true.
   */
  @IsOptional() @IsBoolean() roomHasIntegrations?: boolean;
}

/**
 * Internal (room → history): a page of a room's log; the room service already checked access.
 * At most one of beforeSeq, afterSeq, aroundId.
 */
export class PageMessagesCommand {
  static readonly TYPE = C.HISTORY_PAGE;
  @Equals(C.HISTORY_PAGE) type: typeof C.HISTORY_PAGE;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsOptional() @IsInt() @Min(1) beforeSeq?: number;
  @IsOptional() @IsInt() @Min(0) afterSeq?: number;
  /** The page centred on this message: older context before it, newer after it. */
  @IsOptional() @IsId() aroundId?: string;
  @IsInt() @Min(1) @Max(Limits.PAGE_MAX) limit: number;
  /** Whose `reactions[].me` to fill in. */
  @IsOptional() @IsId() viewerId?: string;
  /** Nothing older than this is shown (a room that hides history from before one joined). */
  @IsOptional() @IsoTime() visibleFrom?: string;
}

/** Internal: a room's messages with from ≤ createdAt < to, ascending; continue with afterSeq = last seq. */
export class RangeMessagesCommand {
  static readonly TYPE = C.HISTORY_RANGE;
  @Equals(C.HISTORY_RANGE) type: typeof C.HISTORY_RANGE;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsoTime() from: string;
  @IsoTime() to: string;
  @IsOptional() @IsInt() @Min(0) afterSeq?: number;
  @IsInt() @Min(1) @Max(HistoryLimits.RANGE_PAGE_MAX) limit: number;
  /** Tombstones keep a paged chat gapless; a replay leaves them out. */
  @IsBoolean() includeDeleted: boolean;
  @IsOptional() @IsId() viewerId?: string;
  @IsOptional() @IsoTime() visibleFrom?: string;
}

/** Internal: replace the content; history allows it to the author within the edit window only. */
export class EditMessageCommand {
  static readonly TYPE = C.HISTORY_EDIT;
  @Equals(C.HISTORY_EDIT) type: typeof C.HISTORY_EDIT;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsId() messageId: string;
  @IsId() actorId: string;
  @IsMessageContent()
  content: string;
}

/** Internal: turn a message into a tombstone; the author may, and so may anyone the caller says is a moderator. */
export class DeleteMessageCommand {
  static readonly TYPE = C.HISTORY_DELETE;
  @Equals(C.HISTORY_DELETE) type: typeof C.HISTORY_DELETE;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsId() messageId: string;
  @IsId() actorId: string;
  /** The room service's verdict: the actor is the room's owner or an admin. */
  @IsBoolean() moderator: boolean;
}

export class AddReactionCommand {
  static readonly TYPE = C.HISTORY_REACTION_ADD;
  @Equals(C.HISTORY_REACTION_ADD) type: typeof C.HISTORY_REACTION_ADD;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsId() messageId: string;
  @IsId() userId: string;
  @IsReactionEmoji() emoji: string;
}

export class RemoveReactionCommand {
  static readonly TYPE = C.HISTORY_REACTION_REMOVE;
  @Equals(C.HISTORY_REACTION_REMOVE) type: typeof C.HISTORY_REACTION_REMOVE;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsId() messageId: string;
  @IsId() userId: string;
  @IsReactionEmoji() emoji: string;
}

/** Internal: last seq and last visible message of each room, in one query. */
export class SummarizeRoomsCommand {
  static readonly TYPE = C.HISTORY_SUMMARY;
  @Equals(C.HISTORY_SUMMARY) type: typeof C.HISTORY_SUMMARY;
  @Equals(1) v: 1;
  @IsArray() @ArrayMaxSize(HistoryLimits.SUMMARY_ROOMS_MAX) @IsUUID('all', { each: true }) roomIds: string[];
}

/**
 * Internal: what a read from `afterSeq` up to `seq` covers, for its receipt (see ReadSpanView).
 * Asked for every read that moves a position, so it reads seqs, senders and kinds only, and the
 * reads of one turn share one query.
 */
export class ReadSpanCommand {
  static readonly TYPE = C.HISTORY_READ_SPAN;
  @Equals(C.HISTORY_READ_SPAN) type: typeof C.HISTORY_READ_SPAN;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsInt() @Min(0) afterSeq: number;
  @IsInt() @Min(0) seq: number;
}

/** One room a search may look in, and from when (absent: all of it). */
export interface SearchScope {
  roomId: string;
  visibleFrom?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isSearchScope(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const { roomId, visibleFrom, ...rest } = value as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    typeof roomId === 'string' &&
    UUID.test(roomId) &&
    (visibleFrom === undefined ||
      (typeof visibleFrom === 'string' && isISO8601(visibleFrom, { strict: true, strictSeparator: true })))
  );
}

/**
 * Checked by hand rather than as nested classes: nested classes need class-transformer's @Type,
 * which needs reflect-metadata loaded before the contracts, and not every reader of them does.
 */
function IsSearchScopes(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isSearchScopes',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: '$property must be a list of {roomId (UUID), visibleFrom? (ISO 8601)}',
        ...options,
      },
      validator: { validate: (value: unknown) => Array.isArray(value) && value.every(isSearchScope) },
    });
}

/** Internal: messages containing `query` (case-insensitive, literal), newest first, in the given rooms only. */
export class SearchMessagesCommand {
  static readonly TYPE = C.HISTORY_SEARCH;
  @Equals(C.HISTORY_SEARCH) type: typeof C.HISTORY_SEARCH;
  @Equals(1) v: 1;
  @IsArray() @ArrayMaxSize(HistoryLimits.SEARCH_ROOMS_MAX) @IsSearchScopes() rooms: SearchScope[];
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'query must not be blank' })
  @MaxCodePoints(HistoryLimits.SEARCH_QUERY_MAX_CHARS)
  query: string;
  @IsInt() @Min(1) @Max(HistoryLimits.SEARCH_PAGE_MAX) limit: number;
  /** The previous page's nextBeforeId. */
  @IsOptional() @IsId() beforeId?: string;
  @IsOptional() @IsId() viewerId?: string;
}

/** Internal: the non-deleted messages after a seq, ascending, in large pages (export). */
export class ExportPageCommand {
  static readonly TYPE = C.HISTORY_EXPORT_PAGE;
  @Equals(C.HISTORY_EXPORT_PAGE) type: typeof C.HISTORY_EXPORT_PAGE;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsInt() @Min(0) afterSeq: number;
  @IsInt() @Min(1) @Max(HistoryLimits.EXPORT_PAGE_MAX) limit: number;
}

export class GetRetentionCommand {
  static readonly TYPE = C.HISTORY_RETENTION_GET;
  @Equals(C.HISTORY_RETENTION_GET) type: typeof C.HISTORY_RETENTION_GET;
  @Equals(1) v: 1;
  @IsId() roomId: string;
}

/** days: null removes the override (the global policy applies); 0 keeps the room forever. */
export class SetRetentionCommand {
  static readonly TYPE = C.HISTORY_RETENTION_SET;
  @Equals(C.HISTORY_RETENTION_SET) type: typeof C.HISTORY_RETENTION_SET;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @ValidateIf((o: SetRetentionCommand) => o.days !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(HistoryLimits.RETENTION_DAYS_MAX)
  days: number | null;
}

export interface HistoryCommandResults {
  [C.HISTORY_APPEND]: SendResultView;
  [C.HISTORY_PAGE]: MessagePageView;
  [C.HISTORY_RANGE]: MessagePageView;
  [C.HISTORY_EDIT]: MessageView;
  [C.HISTORY_DELETE]: MessageView;
  [C.HISTORY_REACTION_ADD]: ReactionsView;
  [C.HISTORY_REACTION_REMOVE]: ReactionsView;
  [C.HISTORY_SUMMARY]: RoomSummariesView;
  [C.HISTORY_READ_SPAN]: ReadSpanView;
  [C.HISTORY_SEARCH]: MessageSearchView;
  [C.HISTORY_EXPORT_PAGE]: MessagePageView;
  [C.HISTORY_RETENTION_GET]: RetentionView;
  [C.HISTORY_RETENTION_SET]: RetentionView;
}

export const HistoryCommandClasses = {
  [C.HISTORY_APPEND]: AppendMessageCommand,
  [C.HISTORY_PAGE]: PageMessagesCommand,
  [C.HISTORY_RANGE]: RangeMessagesCommand,
  [C.HISTORY_EDIT]: EditMessageCommand,
  [C.HISTORY_DELETE]: DeleteMessageCommand,
  [C.HISTORY_REACTION_ADD]: AddReactionCommand,
  [C.HISTORY_REACTION_REMOVE]: RemoveReactionCommand,
  [C.HISTORY_SUMMARY]: SummarizeRoomsCommand,
  [C.HISTORY_READ_SPAN]: ReadSpanCommand,
  [C.HISTORY_SEARCH]: SearchMessagesCommand,
  [C.HISTORY_EXPORT_PAGE]: ExportPageCommand,
  [C.HISTORY_RETENTION_GET]: GetRetentionCommand,
  [C.HISTORY_RETENTION_SET]: SetRetentionCommand,
} as const;

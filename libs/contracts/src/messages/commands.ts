import {
  Equals,
  IsBase64,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { Limits } from '../limits';
import {
  IsAttachmentIds,
  IsClientMsgId,
  IsMessageContent,
  IsWellFormedText,
  MaxCodePoints,
} from '../validators';
import { IsId } from '../ids';
import { IsReactionEmoji } from '../history/emoji';
import { HistoryLimits } from '../history/limits';
import { AttachmentContentView, AttachmentLimits, UploadedAttachmentView } from './attachments';
import type {
  ExportInfoView,
  MessagePageView,
  MessageSearchView,
  MessageView,
  ReactionsView,
  RetentionView,
  RoomSummariesView,
  SendResultView,
} from '../views';

export * from './attachments';

const ATTACHMENT_BASE64_MAX = Math.ceil(AttachmentLimits.WIRE_MAX_BYTES / 3) * 4;

/**
 * Message commands as people issue them. They go to the room service (queue
 * `happychat.room.commands`), the policy point, which then asks the history service.
 */
export const MessageCommands = {
  MESSAGE_SEND: 'message.send',
  MESSAGE_LIST: 'message.list',
  MESSAGE_EDIT: 'message.edit',
  MESSAGE_DELETE: 'message.delete',
  MESSAGE_REACTION_ADD: 'message.reaction.add',
  MESSAGE_REACTION_REMOVE: 'message.reaction.remove',
  MESSAGE_SEARCH: 'message.search',
  MESSAGE_SUMMARY: 'message.summary',
  MESSAGE_REPLAY: 'message.replay',
  MESSAGE_EXPORT_BEGIN: 'message.export.begin',
  MESSAGE_EXPORT_PAGE: 'message.export.page',
  MESSAGE_RETENTION_GET: 'message.retention.get',
  MESSAGE_RETENTION_SET: 'message.retention.set',
  ATTACHMENT_UPLOAD: 'attachment.upload',
  ATTACHMENT_GET: 'attachment.get',
} as const;
const C = MessageCommands;

const IsoTime = () => IsISO8601({ strict: true, strictSeparator: true });

export class SendMessageCommand {
  static readonly TYPE = C.MESSAGE_SEND;
  @Equals(C.MESSAGE_SEND) type: typeof C.MESSAGE_SEND;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsClientMsgId()
  clientMsgId: string;
  @IsIn(['text', 'image']) kind: 'text' | 'image';
  /** Text, or an image's caption ('' for none; only an image may go without). */
  @IsMessageContent({ allowEmpty: true })
  content: string;
  /** Answer this message (same room). */
  @IsOptional() @IsId() replyToId?: string;
  /** kind `image`: attachments the sender uploaded to this room and has not sent yet. */
  @ValidateIf((o: SendMessageCommand) => o.kind === 'image' || o.attachmentIds !== undefined)
  @IsAttachmentIds()
  attachmentIds?: string[];
}

/**
 * One page of a room, ascending. Pick one way: no cursor (newest), beforeSeq, afterSeq, aroundId,
 * or a date range from/to (both; continue a long range with afterSeq = the last seq received).
 */
export class ListMessagesCommand {
  static readonly TYPE = C.MESSAGE_LIST;
  @Equals(C.MESSAGE_LIST) type: typeof C.MESSAGE_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsOptional() @IsInt() @Min(1) beforeSeq?: number;
  @IsOptional() @IsInt() @Min(0) afterSeq?: number;
  @IsOptional() @IsId() aroundId?: string;
  @IsOptional() @IsoTime() from?: string;
  @IsOptional() @IsoTime() to?: string;
  @IsOptional() @IsInt() @Min(1) @Max(Limits.PAGE_MAX) limit?: number;
}

export class EditMessageRequestCommand {
  static readonly TYPE = C.MESSAGE_EDIT;
  @Equals(C.MESSAGE_EDIT) type: typeof C.MESSAGE_EDIT;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsId() messageId: string;
  @IsMessageContent()
  content: string;
}

export class DeleteMessageRequestCommand {
  static readonly TYPE = C.MESSAGE_DELETE;
  @Equals(C.MESSAGE_DELETE) type: typeof C.MESSAGE_DELETE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsId() messageId: string;
}

export class AddReactionRequestCommand {
  static readonly TYPE = C.MESSAGE_REACTION_ADD;
  @Equals(C.MESSAGE_REACTION_ADD) type: typeof C.MESSAGE_REACTION_ADD;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsId() messageId: string;
  @IsReactionEmoji() emoji: string;
}

export class RemoveReactionRequestCommand {
  static readonly TYPE = C.MESSAGE_REACTION_REMOVE;
  @Equals(C.MESSAGE_REACTION_REMOVE) type: typeof C.MESSAGE_REACTION_REMOVE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsId() messageId: string;
  @IsReactionEmoji() emoji: string;
}

/** Search one room (roomId) or every room the actor is in (no roomId). */
export class SearchMessagesRequestCommand {
  static readonly TYPE = C.MESSAGE_SEARCH;
  @Equals(C.MESSAGE_SEARCH) type: typeof C.MESSAGE_SEARCH;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsOptional() @IsId() roomId?: string;
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'query must not be blank' })
  @MaxCodePoints(HistoryLimits.SEARCH_QUERY_MAX_CHARS)
  query: string;
  @IsOptional() @IsInt() @Min(1) @Max(HistoryLimits.SEARCH_PAGE_MAX) limit?: number;
  @IsOptional() @IsId() beforeId?: string;
}

/** Last seq and last message of each of the actor's rooms. */
export class SummarizeMyRoomsCommand {
  static readonly TYPE = C.MESSAGE_SUMMARY;
  @Equals(C.MESSAGE_SUMMARY) type: typeof C.MESSAGE_SUMMARY;
  @Equals(1) v: 1;
  @IsId() actorId: string;
}

/** Messages with from ≤ createdAt < to in order, deleted ones left out, for playing beside a recording. */
export class ReplayMessagesCommand {
  static readonly TYPE = C.MESSAGE_REPLAY;
  @Equals(C.MESSAGE_REPLAY) type: typeof C.MESSAGE_REPLAY;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsoTime() from: string;
  @IsoTime() to: string;
  @IsOptional() @IsInt() @Min(0) afterSeq?: number;
  @IsOptional() @IsInt() @Min(1) @Max(HistoryLimits.RANGE_PAGE_MAX) limit?: number;
}

/** Owner only: what the export names the room by. */
export class BeginExportCommand {
  static readonly TYPE = C.MESSAGE_EXPORT_BEGIN;
  @Equals(C.MESSAGE_EXPORT_BEGIN) type: typeof C.MESSAGE_EXPORT_BEGIN;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
}

/** Owner only: the next page of the room's log for an export (ownership is checked every page). */
export class ExportPageRequestCommand {
  static readonly TYPE = C.MESSAGE_EXPORT_PAGE;
  @Equals(C.MESSAGE_EXPORT_PAGE) type: typeof C.MESSAGE_EXPORT_PAGE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsInt() @Min(0) afterSeq: number;
  @IsOptional() @IsInt() @Min(1) @Max(HistoryLimits.EXPORT_PAGE_MAX) limit?: number;
}

export class GetRetentionRequestCommand {
  static readonly TYPE = C.MESSAGE_RETENTION_GET;
  @Equals(C.MESSAGE_RETENTION_GET) type: typeof C.MESSAGE_RETENTION_GET;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
}

/** Owner only. days: whole days; 0 keeps the room forever; null falls back to the global policy. */
export class SetRetentionRequestCommand {
  static readonly TYPE = C.MESSAGE_RETENTION_SET;
  @Equals(C.MESSAGE_RETENTION_SET) type: typeof C.MESSAGE_RETENTION_SET;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @ValidateIf((o: SetRetentionRequestCommand) => o.days !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsInt()
  @Min(0)
  @Max(HistoryLimits.RETENTION_DAYS_MAX)
  days: number | null;
}

/** Members only: store an image for a message the actor is about to send to this room. */
export class UploadAttachmentCommand {
  static readonly TYPE = C.ATTACHMENT_UPLOAD;
  @Equals(C.ATTACHMENT_UPLOAD) type: typeof C.ATTACHMENT_UPLOAD;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  /** The file's name as the uploader called it (shown, never trusted for the type). */
  @IsOptional() @IsString() @MaxLength(1024) name?: string;
  @IsString() @MaxLength(ATTACHMENT_BASE64_MAX) @IsBase64() data: string;
}

/**
 * The bytes of an attachment, for a member of its room who may read the message it belongs to
 * (or its uploader, before it is sent). Anyone else gets room.attachment_not_found.
 */
export class GetAttachmentCommand {
  static readonly TYPE = C.ATTACHMENT_GET;
  @Equals(C.ATTACHMENT_GET) type: typeof C.ATTACHMENT_GET;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() attachmentId: string;
  @IsOptional() @IsString() @MaxLength(512) ifNoneMatch?: string;
}

export interface MessageCommandResults {
  [C.MESSAGE_SEND]: SendResultView;
  [C.MESSAGE_LIST]: MessagePageView;
  [C.MESSAGE_EDIT]: MessageView;
  [C.MESSAGE_DELETE]: MessageView;
  [C.MESSAGE_REACTION_ADD]: ReactionsView;
  [C.MESSAGE_REACTION_REMOVE]: ReactionsView;
  [C.MESSAGE_SEARCH]: MessageSearchView;
  [C.MESSAGE_SUMMARY]: RoomSummariesView;
  [C.MESSAGE_REPLAY]: MessagePageView;
  [C.MESSAGE_EXPORT_BEGIN]: ExportInfoView;
  [C.MESSAGE_EXPORT_PAGE]: MessagePageView;
  [C.MESSAGE_RETENTION_GET]: RetentionView;
  [C.MESSAGE_RETENTION_SET]: RetentionView;
  [C.ATTACHMENT_UPLOAD]: UploadedAttachmentView;
  [C.ATTACHMENT_GET]: AttachmentContentView;
}

export const MessageCommandClasses = {
  [C.MESSAGE_SEND]: SendMessageCommand,
  [C.MESSAGE_LIST]: ListMessagesCommand,
  [C.MESSAGE_EDIT]: EditMessageRequestCommand,
  [C.MESSAGE_DELETE]: DeleteMessageRequestCommand,
  [C.MESSAGE_REACTION_ADD]: AddReactionRequestCommand,
  [C.MESSAGE_REACTION_REMOVE]: RemoveReactionRequestCommand,
  [C.MESSAGE_SEARCH]: SearchMessagesRequestCommand,
  [C.MESSAGE_SUMMARY]: SummarizeMyRoomsCommand,
  [C.MESSAGE_REPLAY]: ReplayMessagesCommand,
  [C.MESSAGE_EXPORT_BEGIN]: BeginExportCommand,
  [C.MESSAGE_EXPORT_PAGE]: ExportPageRequestCommand,
  [C.MESSAGE_RETENTION_GET]: GetRetentionRequestCommand,
  [C.MESSAGE_RETENTION_SET]: SetRetentionRequestCommand,
  [C.ATTACHMENT_UPLOAD]: UploadAttachmentCommand,
  [C.ATTACHMENT_GET]: GetAttachmentCommand,
} as const;

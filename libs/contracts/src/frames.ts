import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Min,
  ValidateNested,
} from 'class-validator';
import type { ErrorCode, ErrorDetail, ErrorPayload } from './errors';
import type { DomainEvent } from './events';
import { Limits } from './limits';
import { IsAttachmentIds, IsClientMsgId, IsMessageContent } from './validators';
import type { MessageView, ReactionsView } from './views';
import { IsReactionEmoji } from './history/emoji';

/** Rooms one `sync` frame may name; a client with more sends several. */
export const SYNC_MAX_ROOMS = 100;

/**
 * WebSocket frames: JSON text frames, one object each, keyed by `type`. The protocol version is
 * the negotiated subprotocol (`happychat.v1`). Every client frame carries an `id` chosen by the
 * client; the answer to it (`*.ack`, `pong` or `error`) repeats that `id`.
 */
export const ClientFrames = {
  MESSAGE_SEND: 'message.send',
  /** Change your message's text (within the edit window). Answered with `message.ack`. */
  MESSAGE_EDIT: 'message.edit',
  /** Delete a message (yours, or any as a moderator): a tombstone keeps its seq. `message.ack`. */
  MESSAGE_DELETE: 'message.delete',
  /** Add (`add: true`) or remove your reaction. Answered with `reaction.ack`. */
  MESSAGE_REACT: 'message.react',
  /** After (re)connecting: the messages each room got since the last seq the client holds. */
  SYNC: 'sync',
  /** This device is active (`online`) or idle/hidden (`away`). Answered only when refused. */
  PRESENCE: 'presence',
  /** I have read a room up to `seq`. Answered only when refused; the effect is an event. */
  READ: 'read',
  /** I am typing (active) or stopped (not active) in a room. Answered only when refused. */
  TYPING: 'typing',
  PING: 'ping',
} as const;
export type ClientFrameType = (typeof ClientFrames)[keyof typeof ClientFrames];

export const ServerFrames = {
  HELLO: 'hello',
  MESSAGE_ACK: 'message.ack',
  REACTION_ACK: 'reaction.ack',
  SYNC_RESULT: 'sync.result',
  PONG: 'pong',
  ERROR: 'error',
} as const;

const RequestId = () => Length(1, Limits.REQUEST_ID_MAX);

export class MessageSendFrame {
  @Equals(ClientFrames.MESSAGE_SEND) type: typeof ClientFrames.MESSAGE_SEND;
  @IsString() @RequestId() id: string;
  @IsUUID('all') roomId: string;
  @IsClientMsgId()
  clientMsgId: string;
  @IsOptional() @IsIn(['text', 'image']) kind?: 'text' | 'image';
  /** The message this one answers (same room). */
  @IsOptional() @IsUUID('all') replyToId?: string;
  /** Text, or an image's caption ('' for none: only an image may go without). */
  @IsMessageContent({ allowEmpty: true })
  content: string;
  /** kind `image`: ids from POST /rooms/:roomId/attachments, not sent before. */
  @IsOptional()
  @IsAttachmentIds()
  attachmentIds?: string[];
}

export class MessageEditFrame {
  @Equals(ClientFrames.MESSAGE_EDIT) type: typeof ClientFrames.MESSAGE_EDIT;
  @IsString() @RequestId() id: string;
  @IsUUID('all') roomId: string;
  @IsUUID('all') messageId: string;
  @IsMessageContent()
  content: string;
}

export class MessageDeleteFrame {
  @Equals(ClientFrames.MESSAGE_DELETE) type: typeof ClientFrames.MESSAGE_DELETE;
  @IsString() @RequestId() id: string;
  @IsUUID('all') roomId: string;
  @IsUUID('all') messageId: string;
}

export class MessageReactFrame {
  @Equals(ClientFrames.MESSAGE_REACT) type: typeof ClientFrames.MESSAGE_REACT;
  @IsString() @RequestId() id: string;
  @IsUUID('all') roomId: string;
  @IsUUID('all') messageId: string;
  @IsReactionEmoji() emoji: string;
  @IsBoolean() add: boolean;
}

export class SyncCursor {
  @IsUUID('all') roomId: string;
  /** The highest seq the client holds for this room (0 when it holds none). */
  @IsInt() @Min(0) afterSeq: number;
}

export class SyncFrame {
  @Equals(ClientFrames.SYNC) type: typeof ClientFrames.SYNC;
  @IsString() @RequestId() id: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SYNC_MAX_ROOMS)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SyncCursor)
  rooms: SyncCursor[];
}

export class TypingFrame {
  @Equals(ClientFrames.TYPING) type: typeof ClientFrames.TYPING;
  @IsOptional() @IsString() @RequestId() id?: string;
  @IsUUID('all') roomId: string;
  @IsBoolean() active: boolean;
}

export class ReadFrame {
  @Equals(ClientFrames.READ) type: typeof ClientFrames.READ;
  @IsOptional() @IsString() @RequestId() id?: string;
  @IsUUID('all') roomId: string;
  @IsInt() @Min(0) seq: number;
}

export class PresenceFrame {
  @Equals(ClientFrames.PRESENCE) type: typeof ClientFrames.PRESENCE;
  @IsOptional() @IsString() @RequestId() id?: string;
  @IsIn(['online', 'away']) status: 'online' | 'away';
}

export class PingFrame {
  @Equals(ClientFrames.PING) type: typeof ClientFrames.PING;
  @IsString() @RequestId() id: string;
}

export const ClientFrameClasses = {
  [ClientFrames.MESSAGE_SEND]: MessageSendFrame,
  [ClientFrames.MESSAGE_EDIT]: MessageEditFrame,
  [ClientFrames.MESSAGE_DELETE]: MessageDeleteFrame,
  [ClientFrames.MESSAGE_REACT]: MessageReactFrame,
  [ClientFrames.SYNC]: SyncFrame,
  [ClientFrames.TYPING]: TypingFrame,
  [ClientFrames.READ]: ReadFrame,
  [ClientFrames.PRESENCE]: PresenceFrame,
  [ClientFrames.PING]: PingFrame,
} as const;

export interface HelloFrame {
  type: typeof ServerFrames.HELLO;
  protocol: string;
  userId: string;
  connectionId: string;
  /** Send a ping at least this often; the server closes silent sockets after twice as long. */
  heartbeatIntervalMs: number;
}

/** Your send, edit or delete took effect; `message` is the message as it now stands. */
export interface MessageAckFrame {
  type: typeof ServerFrames.MESSAGE_ACK;
  id: string;
  message: MessageView;
  /** True when a send's clientMsgId was already stored (nothing new was); false otherwise. */
  duplicate: boolean;
}

export interface ReactionAckFrame {
  type: typeof ServerFrames.REACTION_ACK;
  id: string;
  reactions: ReactionsView;
}

/**
 * Per room, either exactly the missing messages (ascending) or, when the gap is larger than the
 * server will send, `reload: true`: drop what you hold and load the newest page. Never silence.
 */
export type SyncRoomResult =
  | { roomId: string; messages: MessageView[]; reload?: false }
  | { roomId: string; reload: true }
  | { roomId: string; error: ErrorPayload };

export interface SyncResultFrame {
  type: typeof ServerFrames.SYNC_RESULT;
  id: string;
  rooms: SyncRoomResult[];
}

export interface PongFrame {
  type: typeof ServerFrames.PONG;
  id: string;
}

export interface ErrorFrame {
  type: typeof ServerFrames.ERROR;
  /** The client frame this answers, when it could be read. */
  id?: string;
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
}

/** Events reach the browser as they are on the broker. */
export type ServerFrame =
  HelloFrame | MessageAckFrame | ReactionAckFrame | SyncResultFrame | PongFrame | ErrorFrame | DomainEvent;

/** Close codes the server uses (4000-4999 are the application's range). */
export const WsCloseCodes = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  TOO_BIG: 1009,
  SERVER_ERROR: 1011,
  /** Heartbeat missed: reconnect and resync. */
  HEARTBEAT_TIMEOUT: 4000,
  /** The token stopped being valid: log in again. */
  UNAUTHORIZED: 4001,
  /** The client could not keep up: reconnect and resync. */
  SLOW_CONSUMER: 4002,
} as const;

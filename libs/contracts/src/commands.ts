import {
  Equals,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { Limits } from './limits';
import { IsWellFormedText, MaxCodePoints } from './validators';
import type { AuthResultView, MessagePageView, RoomDetailView, RoomView, SendResultView } from './views';

/**
 * Commands travel as RPC requests on the `happychat.commands` exchange, routed by `type`.
 * Names are imperative. Every payload carries `type` and `v`; a breaking change bumps `v`.
 * `actorId` is the authenticated user, filled in by the gateway from a verified token.
 */
export const Commands = {
  AUTH_REGISTER: 'auth.register',
  AUTH_LOGIN: 'auth.login',
  ROOM_CREATE: 'room.create',
  ROOM_JOIN: 'room.join',
  ROOM_GET: 'room.get',
  ROOM_LIST: 'room.list',
  ROOM_MEMBERSHIPS_LIST: 'room.memberships.list',
  MESSAGE_SEND: 'message.send',
  MESSAGE_LIST: 'message.list',
  HISTORY_APPEND: 'history.append',
  HISTORY_PAGE: 'history.page',
} as const;
export type CommandType = (typeof Commands)[keyof typeof Commands];

/** Our ids are UUIDv7 (time-sortable); accept any RFC 4122 version so older ids stay valid. */
const IsId = () => IsUUID('all');

export class RegisterCommand {
  static readonly TYPE = Commands.AUTH_REGISTER;
  @Equals(Commands.AUTH_REGISTER) type: typeof Commands.AUTH_REGISTER;
  @Equals(1) v: 1;
  @IsString() @IsWellFormedText() @Length(1, 64) username: string;
  @IsString() @Length(1, Limits.PASSWORD_MAX) password: string;
  @IsOptional() @IsString() @IsWellFormedText() @Length(1, 200) displayName?: string;
  @IsOptional() @IsString() @Length(0, 512) userAgent?: string;
}

export class LoginCommand {
  static readonly TYPE = Commands.AUTH_LOGIN;
  @Equals(Commands.AUTH_LOGIN) type: typeof Commands.AUTH_LOGIN;
  @Equals(1) v: 1;
  @IsString() @Length(1, 64) username: string;
  @IsString() @Length(1, Limits.PASSWORD_MAX) password: string;
  @IsOptional() @IsString() @Length(0, 512) userAgent?: string;
}

export class CreateRoomCommand {
  static readonly TYPE = Commands.ROOM_CREATE;
  @Equals(Commands.ROOM_CREATE) type: typeof Commands.ROOM_CREATE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsString() @IsWellFormedText() @Length(1, Limits.DISPLAY_NAME_MAX * 4) actorName: string;
  @IsIn(['group']) kind: 'group';
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxCodePoints(Limits.ROOM_NAME_MAX)
  name: string;
}

export class JoinRoomCommand {
  static readonly TYPE = Commands.ROOM_JOIN;
  @Equals(Commands.ROOM_JOIN) type: typeof Commands.ROOM_JOIN;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsString() @IsWellFormedText() @Length(1, Limits.DISPLAY_NAME_MAX * 4) actorName: string;
  @IsId() roomId: string;
}

export class GetRoomCommand {
  static readonly TYPE = Commands.ROOM_GET;
  @Equals(Commands.ROOM_GET) type: typeof Commands.ROOM_GET;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
}

export class ListRoomsCommand {
  static readonly TYPE = Commands.ROOM_LIST;
  @Equals(Commands.ROOM_LIST) type: typeof Commands.ROOM_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
}

/** Internal: the gateway asks which rooms a user is in when their first socket connects. */
export class ListMembershipsCommand {
  static readonly TYPE = Commands.ROOM_MEMBERSHIPS_LIST;
  @Equals(Commands.ROOM_MEMBERSHIPS_LIST) type: typeof Commands.ROOM_MEMBERSHIPS_LIST;
  @Equals(1) v: 1;
  @IsId() userId: string;
}

export class SendMessageCommand {
  static readonly TYPE = Commands.MESSAGE_SEND;
  @Equals(Commands.MESSAGE_SEND) type: typeof Commands.MESSAGE_SEND;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsString()
  @Length(1, Limits.CLIENT_MSG_ID_MAX)
  @Matches(/^[\x21-\x7e]+$/, { message: 'clientMsgId must be printable ASCII' })
  clientMsgId: string;
  @IsIn(['text']) kind: 'text';
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'content must not be blank' })
  @MaxCodePoints(Limits.MESSAGE_MAX_CHARS)
  content: string;
}

export class ListMessagesCommand {
  static readonly TYPE = Commands.MESSAGE_LIST;
  @Equals(Commands.MESSAGE_LIST) type: typeof Commands.MESSAGE_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsOptional() @IsInt() @Min(1) beforeSeq?: number;
  @IsOptional() @IsInt() @Min(0) afterSeq?: number;
  @IsOptional() @IsInt() @Min(1) @Max(Limits.PAGE_MAX) limit?: number;
}

/** Internal (room → history): store a message that already passed every room check. */
export class AppendMessageCommand {
  static readonly TYPE = Commands.HISTORY_APPEND;
  @Equals(Commands.HISTORY_APPEND) type: typeof Commands.HISTORY_APPEND;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsId() senderId: string;
  @IsString() @Length(1, Limits.CLIENT_MSG_ID_MAX) clientMsgId: string;
  @IsIn(['text', 'image', 'emoticon', 'system']) kind: 'text' | 'image' | 'emoticon' | 'system';
  @IsString() @IsWellFormedText() @MaxCodePoints(Limits.MESSAGE_MAX_CHARS) content: string;
}

/** Internal (room → history): a page of a room's log; the room service already checked access. */
export class PageMessagesCommand {
  static readonly TYPE = Commands.HISTORY_PAGE;
  @Equals(Commands.HISTORY_PAGE) type: typeof Commands.HISTORY_PAGE;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsOptional() @IsInt() @Min(1) beforeSeq?: number;
  @IsOptional() @IsInt() @Min(0) afterSeq?: number;
  @IsInt() @Min(1) @Max(Limits.PAGE_MAX) limit: number;
}

/** What each command answers with, so callers of the RPC client get typed results. */
export interface CommandResults {
  [Commands.AUTH_REGISTER]: AuthResultView;
  [Commands.AUTH_LOGIN]: AuthResultView;
  [Commands.ROOM_CREATE]: RoomView;
  [Commands.ROOM_JOIN]: RoomView;
  [Commands.ROOM_GET]: RoomDetailView;
  [Commands.ROOM_LIST]: { rooms: RoomView[] };
  [Commands.ROOM_MEMBERSHIPS_LIST]: { roomIds: string[] };
  [Commands.MESSAGE_SEND]: SendResultView;
  [Commands.MESSAGE_LIST]: MessagePageView;
  [Commands.HISTORY_APPEND]: SendResultView;
  [Commands.HISTORY_PAGE]: MessagePageView;
}

export const CommandClasses = {
  [Commands.AUTH_REGISTER]: RegisterCommand,
  [Commands.AUTH_LOGIN]: LoginCommand,
  [Commands.ROOM_CREATE]: CreateRoomCommand,
  [Commands.ROOM_JOIN]: JoinRoomCommand,
  [Commands.ROOM_GET]: GetRoomCommand,
  [Commands.ROOM_LIST]: ListRoomsCommand,
  [Commands.ROOM_MEMBERSHIPS_LIST]: ListMembershipsCommand,
  [Commands.MESSAGE_SEND]: SendMessageCommand,
  [Commands.MESSAGE_LIST]: ListMessagesCommand,
  [Commands.HISTORY_APPEND]: AppendMessageCommand,
  [Commands.HISTORY_PAGE]: PageMessagesCommand,
} as const;

/** Payload of a command as a caller builds it: everything but the `type`/`v` envelope. */
export type CommandInput<C extends CommandType> = Omit<
  InstanceType<(typeof CommandClasses)[C]>,
  'type' | 'v'
>;

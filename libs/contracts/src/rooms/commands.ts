import { Equals, IsIn, IsString, Length, Matches } from 'class-validator';
import { Limits } from '../limits';
import { IsWellFormedText, MaxCodePoints } from '../validators';
import { IsId } from '../ids';
import type { RoomDetailView, RoomView } from '../views';

/** Room and membership commands (queue `happychat.room.commands`). */
export const RoomCommands = {
  ROOM_CREATE: 'room.create',
  ROOM_JOIN: 'room.join',
  ROOM_GET: 'room.get',
  ROOM_LIST: 'room.list',
  ROOM_MEMBERSHIPS_LIST: 'room.memberships.list',
} as const;
const C = RoomCommands;

export class CreateRoomCommand {
  static readonly TYPE = C.ROOM_CREATE;
  @Equals(C.ROOM_CREATE) type: typeof C.ROOM_CREATE;
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
  static readonly TYPE = C.ROOM_JOIN;
  @Equals(C.ROOM_JOIN) type: typeof C.ROOM_JOIN;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsString() @IsWellFormedText() @Length(1, Limits.DISPLAY_NAME_MAX * 4) actorName: string;
  @IsId() roomId: string;
}

export class GetRoomCommand {
  static readonly TYPE = C.ROOM_GET;
  @Equals(C.ROOM_GET) type: typeof C.ROOM_GET;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
}

export class ListRoomsCommand {
  static readonly TYPE = C.ROOM_LIST;
  @Equals(C.ROOM_LIST) type: typeof C.ROOM_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
}

/** Internal: the gateway asks which rooms a user is in when their first socket connects. */
export class ListMembershipsCommand {
  static readonly TYPE = C.ROOM_MEMBERSHIPS_LIST;
  @Equals(C.ROOM_MEMBERSHIPS_LIST) type: typeof C.ROOM_MEMBERSHIPS_LIST;
  @Equals(1) v: 1;
  @IsId() userId: string;
}

export interface RoomCommandResults {
  [C.ROOM_CREATE]: RoomView;
  [C.ROOM_JOIN]: RoomView;
  [C.ROOM_GET]: RoomDetailView;
  [C.ROOM_LIST]: { rooms: RoomView[] };
  [C.ROOM_MEMBERSHIPS_LIST]: { roomIds: string[] };
}

export const RoomCommandClasses = {
  [C.ROOM_CREATE]: CreateRoomCommand,
  [C.ROOM_JOIN]: JoinRoomCommand,
  [C.ROOM_GET]: GetRoomCommand,
  [C.ROOM_LIST]: ListRoomsCommand,
  [C.ROOM_MEMBERSHIPS_LIST]: ListMembershipsCommand,
} as const;

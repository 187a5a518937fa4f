import {
  Equals,
  IsBase64,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Limits } from '../limits';
import { IsWellFormedText, MaxCodePoints } from '../validators';
import { IsId } from '../ids';
import { HISTORY_VISIBILITIES } from '../views';
import type { HistoryVisibility, MemberRole, RoomDetailView, RoomView, UserRole } from '../views';
import { ActorName, ActorRole, RoomNameField } from './fields';
import type { InviteLinkView, RoomImageView, RoomInviteView } from './views';

export * from './views';
export * from './fields';

/** Room images are small: a picture for a list, not a photo album. */
export const ROOM_IMAGE_MAX_BYTES = 256 * 1024;
/** Base64 of somewhat more than the cap, so an oversized image is refused by its size, clearly. */
const IMAGE_BASE64_MAX = 1024 * 1024;
export const INVITE_TOKEN_MAX = 128;
export const SLOW_MODE_MAX_SECONDS = 3600;

/** Room and membership commands (queue `happychat.room.commands`). */
export const RoomCommands = {
  ROOM_CREATE: 'room.create',
  ROOM_JOIN: 'room.join',
  ROOM_GET: 'room.get',
  ROOM_LIST: 'room.list',
  ROOM_MEMBERSHIPS_LIST: 'room.memberships.list',
  ROOM_RENAME: 'room.rename',
  ROOM_SETTINGS_UPDATE: 'room.settings.update',
  ROOM_IMAGE_SET: 'room.image.set',
  ROOM_IMAGE_REMOVE: 'room.image.remove',
  ROOM_IMAGE_GET: 'room.image.get',
  ROOM_INVITE: 'room.invite',
  ROOM_INVITE_DECLINE: 'room.invite.decline',
  ROOM_INVITES_LIST: 'room.invites.list',
  ROOM_INVITE_LINK_CREATE: 'room.invite_link.create',
  ROOM_INVITE_LINK_REVOKE: 'room.invite_link.revoke',
  ROOM_INVITE_LINKS_LIST: 'room.invite_links.list',
  ROOM_LEAVE: 'room.leave',
  ROOM_MEMBER_ROLE_SET: 'room.member.role.set',
  ROOM_OWNER_TRANSFER: 'room.owner.transfer',
} as const;
const C = RoomCommands;

export class CreateRoomCommand {
  static readonly TYPE = C.ROOM_CREATE;
  @Equals(C.ROOM_CREATE) type: typeof C.ROOM_CREATE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @ActorName() actorName: string;
  @ActorRole() actorRole?: UserRole;
  @IsIn(['group']) kind: 'group';
  @RoomNameField() name: string;
  /** Default `shared`. */
  @IsOptional() @IsIn(HISTORY_VISIBILITIES) historyVisibility?: HistoryVisibility;
}

/**
 * Join a room. A group room needs a pending invite for the actor or an invite link's token; a
 * topic room is open to anyone (guests too) up to its cap. Idempotent for a member.
 */
export class JoinRoomCommand {
  static readonly TYPE = C.ROOM_JOIN;
  @Equals(C.ROOM_JOIN) type: typeof C.ROOM_JOIN;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @ActorName() actorName: string;
  @ActorRole() actorRole?: UserRole;
  @IsId() roomId: string;
  @IsOptional()
  @IsString()
  @Length(1, INVITE_TOKEN_MAX)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'inviteToken must be base64url' })
  inviteToken?: string;
  /** Topic rooms: a name shown in this room instead of the account's. */
  @IsOptional()
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'alias must not be blank' })
  @MaxCodePoints(Limits.DISPLAY_NAME_MAX)
  alias?: string;
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

/** Owner or admin. */
export class RenameRoomCommand {
  static readonly TYPE = C.ROOM_RENAME;
  @Equals(C.ROOM_RENAME) type: typeof C.ROOM_RENAME;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @RoomNameField() name: string;
}

/** Owner or admin. Fields left out stay as they are. */
export class UpdateRoomSettingsCommand {
  static readonly TYPE = C.ROOM_SETTINGS_UPDATE;
  @Equals(C.ROOM_SETTINGS_UPDATE) type: typeof C.ROOM_SETTINGS_UPDATE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsOptional() @IsInt() @Min(0) @Max(SLOW_MODE_MAX_SECONDS) slowModeSeconds?: number;
  @IsOptional() @IsBoolean() profanityFilter?: boolean;
  @IsOptional() @IsIn(HISTORY_VISIBILITIES) historyVisibility?: HistoryVisibility;
}

/** Owner or admin. PNG, JPEG or WebP (recognised by its bytes), at most ROOM_IMAGE_MAX_BYTES. */
export class SetRoomImageCommand {
  static readonly TYPE = C.ROOM_IMAGE_SET;
  @Equals(C.ROOM_IMAGE_SET) type: typeof C.ROOM_IMAGE_SET;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsString() @IsBase64() @MaxLength(IMAGE_BASE64_MAX) data: string;
}

export class RemoveRoomImageCommand {
  static readonly TYPE = C.ROOM_IMAGE_REMOVE;
  @Equals(C.ROOM_IMAGE_REMOVE) type: typeof C.ROOM_IMAGE_REMOVE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
}

/** Internal (gateway): the image bytes to serve. Not access-checked, like an avatar. */
export class GetRoomImageCommand {
  static readonly TYPE = C.ROOM_IMAGE_GET;
  @Equals(C.ROOM_IMAGE_GET) type: typeof C.ROOM_IMAGE_GET;
  @Equals(1) v: 1;
  @IsId() roomId: string;
}

/** Owner or admin invites a user to a group room; the user accepts by joining, or declines. */
export class InviteToRoomCommand {
  static readonly TYPE = C.ROOM_INVITE;
  @Equals(C.ROOM_INVITE) type: typeof C.ROOM_INVITE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @ActorName() actorName: string;
  @IsId() roomId: string;
  @IsId() userId: string;
}

export class DeclineInviteCommand {
  static readonly TYPE = C.ROOM_INVITE_DECLINE;
  @Equals(C.ROOM_INVITE_DECLINE) type: typeof C.ROOM_INVITE_DECLINE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
}

/** The actor's pending invites. */
export class ListInvitesCommand {
  static readonly TYPE = C.ROOM_INVITES_LIST;
  @Equals(C.ROOM_INVITES_LIST) type: typeof C.ROOM_INVITES_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
}

/** Owner or admin. Default lifetime: 7 days. */
export class CreateInviteLinkCommand {
  static readonly TYPE = C.ROOM_INVITE_LINK_CREATE;
  @Equals(C.ROOM_INVITE_LINK_CREATE) type: typeof C.ROOM_INVITE_LINK_CREATE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsOptional() @IsInt() @Min(60) @Max(30 * 24 * 3600) expiresInSeconds?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100000) maxUses?: number;
}

export class RevokeInviteLinkCommand {
  static readonly TYPE = C.ROOM_INVITE_LINK_REVOKE;
  @Equals(C.ROOM_INVITE_LINK_REVOKE) type: typeof C.ROOM_INVITE_LINK_REVOKE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsId() linkId: string;
}

/**
 * Owner or admin: the room's links that are neither revoked nor expired, newest first, without
 * tokens (only their hashes are stored). Used-up links only with `includeUsedUp`.
 */
export class ListInviteLinksCommand {
  static readonly TYPE = C.ROOM_INVITE_LINKS_LIST;
  @Equals(C.ROOM_INVITE_LINKS_LIST) type: typeof C.ROOM_INVITE_LINKS_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsOptional() @IsBoolean() includeUsedUp?: boolean;
}

/** The owner cannot leave while others remain: they transfer ownership first. */
export class LeaveRoomCommand {
  static readonly TYPE = C.ROOM_LEAVE;
  @Equals(C.ROOM_LEAVE) type: typeof C.ROOM_LEAVE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
}

/** Owner only: make a member an admin, or an admin a member. */
export class SetMemberRoleCommand {
  static readonly TYPE = C.ROOM_MEMBER_ROLE_SET;
  @Equals(C.ROOM_MEMBER_ROLE_SET) type: typeof C.ROOM_MEMBER_ROLE_SET;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsId() userId: string;
  @IsIn(['admin', 'member']) role: Exclude<MemberRole, 'owner'>;
}

/** Owner only: another member becomes the owner; the old owner stays on as an admin. */
export class TransferOwnershipCommand {
  static readonly TYPE = C.ROOM_OWNER_TRANSFER;
  @Equals(C.ROOM_OWNER_TRANSFER) type: typeof C.ROOM_OWNER_TRANSFER;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsId() userId: string;
}

export interface RoomCommandResults {
  [C.ROOM_CREATE]: RoomView;
  [C.ROOM_JOIN]: RoomView;
  [C.ROOM_GET]: RoomDetailView;
  [C.ROOM_LIST]: { rooms: RoomView[] };
  /**
   * `visibleFrom`: for each of those rooms that hides history from before one joined, the user's
   * join time (absent when there is none), so the gateway holds back live events about older messages.
   */
  [C.ROOM_MEMBERSHIPS_LIST]: { roomIds: string[]; visibleFrom?: Record<string, string> };
  [C.ROOM_RENAME]: RoomView;
  [C.ROOM_SETTINGS_UPDATE]: RoomView;
  [C.ROOM_IMAGE_SET]: RoomView;
  [C.ROOM_IMAGE_REMOVE]: RoomView;
  [C.ROOM_IMAGE_GET]: RoomImageView;
  [C.ROOM_INVITE]: { roomId: string; userId: string; createdAt: string };
  [C.ROOM_INVITE_DECLINE]: { declined: true };
  [C.ROOM_INVITES_LIST]: { invites: RoomInviteView[] };
  [C.ROOM_INVITE_LINK_CREATE]: InviteLinkView;
  [C.ROOM_INVITE_LINK_REVOKE]: { revoked: true };
  [C.ROOM_INVITE_LINKS_LIST]: { links: InviteLinkView[] };
  [C.ROOM_LEAVE]: { left: true };
  [C.ROOM_MEMBER_ROLE_SET]: RoomDetailView;
  [C.ROOM_OWNER_TRANSFER]: RoomDetailView;
}

export const RoomCommandClasses = {
  [C.ROOM_CREATE]: CreateRoomCommand,
  [C.ROOM_JOIN]: JoinRoomCommand,
  [C.ROOM_GET]: GetRoomCommand,
  [C.ROOM_LIST]: ListRoomsCommand,
  [C.ROOM_MEMBERSHIPS_LIST]: ListMembershipsCommand,
  [C.ROOM_RENAME]: RenameRoomCommand,
  [C.ROOM_SETTINGS_UPDATE]: UpdateRoomSettingsCommand,
  [C.ROOM_IMAGE_SET]: SetRoomImageCommand,
  [C.ROOM_IMAGE_REMOVE]: RemoveRoomImageCommand,
  [C.ROOM_IMAGE_GET]: GetRoomImageCommand,
  [C.ROOM_INVITE]: InviteToRoomCommand,
  [C.ROOM_INVITE_DECLINE]: DeclineInviteCommand,
  [C.ROOM_INVITES_LIST]: ListInvitesCommand,
  [C.ROOM_INVITE_LINK_CREATE]: CreateInviteLinkCommand,
  [C.ROOM_INVITE_LINK_REVOKE]: RevokeInviteLinkCommand,
  [C.ROOM_INVITE_LINKS_LIST]: ListInviteLinksCommand,
  [C.ROOM_LEAVE]: LeaveRoomCommand,
  [C.ROOM_MEMBER_ROLE_SET]: SetMemberRoleCommand,
  [C.ROOM_OWNER_TRANSFER]: TransferOwnershipCommand,
} as const;

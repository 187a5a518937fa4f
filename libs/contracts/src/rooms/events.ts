import type { EventBase } from '../event-base';
import type { MemberRole, RoomView } from '../views';

/**
 * Facts about rooms and membership, published by the room service. `room.*` events go to the
 * room (`room.<roomId>.user.<actorId>`); `user.*` events go to one user (`user.<userId>`).
 */
export const RoomEvents = {
  ROOM_MEMBER_JOINED: 'room.member.joined',
  /** The member left on their own (or joined another topic room under ONE_ROOM_AT_A_TIME). */
  ROOM_MEMBER_LEFT: 'room.member.left',
  ROOM_MEMBER_KICKED: 'room.member.kicked',
  ROOM_MEMBER_BANNED: 'room.member.banned',
  /** Muted until `mutedUntil`; `mutedUntil: null` announces an unmute. */
  ROOM_MEMBER_MUTED: 'room.member.muted',
  ROOM_MEMBER_ROLE_CHANGED: 'room.member.role_changed',
  ROOM_RENAMED: 'room.renamed',
  /** Image, settings or owner changed: the room as it is now. */
  ROOM_UPDATED: 'room.updated',
  /** To the user only: you are now a member (your devices add the room and start listening). */
  USER_MEMBERSHIP_ADDED: 'user.membership.added',
  /** To the user only: you are no longer a member (your devices stop showing the room). */
  USER_MEMBERSHIP_REMOVED: 'user.membership.removed',
  /** To the user only: someone invited you to a group room; join it to accept. */
  USER_ROOM_INVITED: 'user.room.invited',
} as const;

export interface RoomMemberJoinedEvent extends EventBase {
  type: typeof RoomEvents.ROOM_MEMBER_JOINED;
  roomId: string;
  userId: string;
  displayName: string;
  role: MemberRole;
}

export interface RoomMemberLeftEvent extends EventBase {
  type: typeof RoomEvents.ROOM_MEMBER_LEFT;
  roomId: string;
  userId: string;
}

export interface RoomMemberRemovedByModeratorEvent<
  T extends typeof RoomEvents.ROOM_MEMBER_KICKED | typeof RoomEvents.ROOM_MEMBER_BANNED,
> extends EventBase {
  type: T;
  roomId: string;
  userId: string;
  /** The moderator. */
  actorId: string;
  reason?: string;
}

export type RoomMemberKickedEvent = RoomMemberRemovedByModeratorEvent<typeof RoomEvents.ROOM_MEMBER_KICKED>;
export type RoomMemberBannedEvent = RoomMemberRemovedByModeratorEvent<typeof RoomEvents.ROOM_MEMBER_BANNED>;

export interface RoomMemberMutedEvent extends EventBase {
  type: typeof RoomEvents.ROOM_MEMBER_MUTED;
  roomId: string;
  userId: string;
  actorId: string;
  mutedUntil: string | null;
}

export interface RoomMemberRoleChangedEvent extends EventBase {
  type: typeof RoomEvents.ROOM_MEMBER_ROLE_CHANGED;
  roomId: string;
  userId: string;
  role: MemberRole;
  actorId: string;
}

export interface RoomRenamedEvent extends EventBase {
  type: typeof RoomEvents.ROOM_RENAMED;
  roomId: string;
  name: string;
  actorId: string;
}

export interface RoomUpdatedEvent extends EventBase {
  type: typeof RoomEvents.ROOM_UPDATED;
  /** Without `myRole`: the same for every member. */
  room: RoomView;
  actorId: string;
}

export interface UserMembershipAddedEvent extends EventBase {
  type: typeof RoomEvents.USER_MEMBERSHIP_ADDED;
  userId: string;
  room: RoomView;
}

export interface UserMembershipRemovedEvent extends EventBase {
  type: typeof RoomEvents.USER_MEMBERSHIP_REMOVED;
  userId: string;
  roomId: string;
  reason: 'left' | 'kicked' | 'banned';
}

export interface UserRoomInvitedEvent extends EventBase {
  type: typeof RoomEvents.USER_ROOM_INVITED;
  userId: string;
  room: RoomView;
  invitedBy: string;
  invitedByName: string;
}

export type RoomDomainEvent =
  | RoomMemberJoinedEvent
  | RoomMemberLeftEvent
  | RoomMemberKickedEvent
  | RoomMemberBannedEvent
  | RoomMemberMutedEvent
  | RoomMemberRoleChangedEvent
  | RoomRenamedEvent
  | RoomUpdatedEvent
  | UserMembershipAddedEvent
  | UserMembershipRemovedEvent
  | UserRoomInvitedEvent;

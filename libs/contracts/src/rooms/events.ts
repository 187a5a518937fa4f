import type { EventBase } from '../event-base';
import type { MemberRole, RoomView } from '../views';

/**
 * Facts about rooms and membership, published by the room service. `room.*` events go to the
 * room (`room.<roomId>.user.<actorId>`); `user.*` events go to one user (`user.<userId>`).
 */
export const RoomEvents = {
  ROOM_MEMBER_JOINED: 'room.member.joined',
  /** To the user only: you are now a member (your devices add the room and start listening). */
  USER_MEMBERSHIP_ADDED: 'user.membership.added',
  /** To the user only: you are no longer a member (your devices stop showing the room). */
  USER_MEMBERSHIP_REMOVED: 'user.membership.removed',
} as const;

export interface RoomMemberJoinedEvent extends EventBase {
  type: typeof RoomEvents.ROOM_MEMBER_JOINED;
  roomId: string;
  userId: string;
  displayName: string;
  role: MemberRole;
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

export type RoomDomainEvent = RoomMemberJoinedEvent | UserMembershipAddedEvent | UserMembershipRemovedEvent;

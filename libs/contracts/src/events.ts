import type { MemberRole, MessageView, RoomView } from './views';

/**
 * Events are facts, named in the past tense. Room events go to `happychat.room.events` keyed
 * `room.<roomId>.user.<actorId>`; user events go to `happychat.user.events` keyed `user.<userId>`.
 * Both reach the gateway through the user's inbox. Every event carries `type`, `v` and a unique
 * `eventId` (the dedupe key for at-least-once consumers).
 */
export const Events = {
  MESSAGE_CREATED: 'message.created',
  ROOM_MEMBER_JOINED: 'room.member.joined',
  /** To the user only: you are now a member (your devices add the room and start listening). */
  USER_MEMBERSHIP_ADDED: 'user.membership.added',
  /** To the user only: you are no longer a member (your devices stop showing the room). */
  USER_MEMBERSHIP_REMOVED: 'user.membership.removed',
} as const;
export type EventType = (typeof Events)[keyof typeof Events];

interface EventBase {
  v: 1;
  eventId: string;
  /** ISO time the fact became true. */
  occurredAt: string;
}

export interface MessageCreatedEvent extends EventBase {
  type: typeof Events.MESSAGE_CREATED;
  message: MessageView;
}

export interface RoomMemberJoinedEvent extends EventBase {
  type: typeof Events.ROOM_MEMBER_JOINED;
  roomId: string;
  userId: string;
  displayName: string;
  role: MemberRole;
}

export interface UserMembershipAddedEvent extends EventBase {
  type: typeof Events.USER_MEMBERSHIP_ADDED;
  userId: string;
  room: RoomView;
}

export interface UserMembershipRemovedEvent extends EventBase {
  type: typeof Events.USER_MEMBERSHIP_REMOVED;
  userId: string;
  roomId: string;
  reason: 'left' | 'kicked' | 'banned';
}

export type RoomEvent = MessageCreatedEvent | RoomMemberJoinedEvent;
export type UserEvent = UserMembershipAddedEvent | UserMembershipRemovedEvent;
export type DomainEvent = RoomEvent | UserEvent;

/** Events are produced only by our own services; consumers still check the shape they rely on. */
export function isDomainEvent(value: unknown): value is DomainEvent {
  if (!value || typeof value !== 'object') return false;
  const v = value as { type?: unknown; v?: unknown; eventId?: unknown };
  return (
    typeof v.type === 'string' &&
    (Object.values(Events) as string[]).includes(v.type) &&
    v.v === 1 &&
    typeof v.eventId === 'string'
  );
}

import type { EventBase } from '../event-base';

export const ReadEvents = {
  /** To the reader's own devices (`user.<userId>`): unread counts follow reads everywhere. */
  USER_READ_UPDATED: 'user.read.updated',
  /** To the room: a member read up to `lastReadSeq` (read receipts). */
  ROOM_MEMBER_READ: 'room.member.read',
} as const;

export interface UserReadUpdatedEvent extends EventBase {
  type: typeof ReadEvents.USER_READ_UPDATED;
  userId: string;
  roomId: string;
  lastReadSeq: number;
}

export interface RoomMemberReadEvent extends EventBase {
  type: typeof ReadEvents.ROOM_MEMBER_READ;
  roomId: string;
  userId: string;
  lastReadSeq: number;
}

export type ReadDomainEvent = UserReadUpdatedEvent | RoomMemberReadEvent;

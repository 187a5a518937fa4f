import type { EventBase } from '../event-base';

export const ReadEvents = {
  /** To the reader's own devices (`user.<userId>`): unread counts follow reads everywhere. */
  USER_READ_UPDATED: 'user.read.updated',
  /**
   * To the room: a member read up to `lastReadSeq` (read receipts). Gateways hand it only to its
   * `audience` when it names one: the authors of the messages the read covered.
   */
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
  /**
   * The members whose view of receipts the read changes: the authors of the messages it covered
   * (a client shows receipts under its user's own newest message only). Absent: everyone.
   */
  audience?: string[];
  roomId: string;
  userId: string;
  lastReadSeq: number;
}

export type ReadDomainEvent = UserReadUpdatedEvent | RoomMemberReadEvent;

import type { EventBase } from '../event-base';

/**
 * Ephemeral facts the gateways exchange through the broker. Never stored: a typing indicator
 * that is lost is simply not shown.
 */
export const RealtimeEvents = {
  /** Someone started or stopped typing in a room (`room.<roomId>.user.<userId>`). */
  ROOM_TYPING: 'room.typing',
} as const;

export interface RoomTypingEvent extends EventBase {
  type: typeof RealtimeEvents.ROOM_TYPING;
  roomId: string;
  userId: string;
  /** False when they stopped (sent, cleared the box); clients also expire it after a few seconds. */
  active: boolean;
}

export type RealtimeDomainEvent = RoomTypingEvent;

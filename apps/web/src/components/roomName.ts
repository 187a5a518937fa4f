import type { RoomView } from '@app/contracts/views';
import { useApp } from '../state/app';
import type { AppState } from '../state/types';

/** The other person of a direct room, once its members are known. */
export function dmPartner(s: AppState, roomId: string): string | undefined {
  const members = s.members[roomId];
  if (!members) return undefined;
  return Object.keys(members).find((id) => id !== s.session?.user.id);
}

/** What to call a room: a direct room is named after the other person. */
export function roomTitle(s: AppState, room: RoomView | undefined, roomId: string): string {
  if (!room) return s.closedRooms[roomId]?.name ?? '';
  if (room.kind !== 'direct') return room.name;
  const other = dmPartner(s, roomId);
  return (other && (s.members[roomId]?.[other]?.displayName ?? s.names[other])) || room.name;
}

export function useRoomTitle(roomId: string): string {
  return useApp((s) => roomTitle(s, s.rooms[roomId]?.room, roomId));
}

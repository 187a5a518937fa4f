import { signedIn, store } from './app';
import { ensureLoaded, syncRooms } from './messages';
import { loadMembers, loadPresence, loadReads } from './rooms';

/** Which room is open. Called from the hash route. */
export function setActiveRoom(roomId: string | null): void {
  if (store.get().activeRoomId !== roomId) store.set({ activeRoomId: roomId });
  if (!roomId || !signedIn()) return;
  const tl = store.get().timelines[roomId];
  // Already loaded earlier: the socket kept it current; a sync confirms nothing was missed.
  if (tl?.status === 'ready') void syncRooms([roomId]);
  else ensureLoaded(roomId);
  if (!store.get().members[roomId]) loadMembers(roomId).catch(() => undefined);
  // Receipts and presence: fresh each time the room is opened (cheap, and events keep them current).
  loadReads(roomId).catch(() => undefined);
  loadPresence(roomId).catch(() => undefined);
}

import { live, store } from './app';
import { catchUp, ensureLoaded } from './messages';
import { loadMembers, markRead } from './rooms';

/** Which room is open. Called from the hash route. */
export function setActiveRoom(roomId: string | null): void {
  if (store.get().activeRoomId !== roomId) store.set({ activeRoomId: roomId });
  if (!roomId || !live.api) return;
  const tl = store.get().timelines[roomId];
  // Already loaded earlier: check nothing was missed meanwhile (cheap: one afterSeq request).
  if (tl?.status === 'ready') catchUp(roomId).catch(() => undefined);
  else ensureLoaded(roomId);
  if (!store.get().members[roomId]) loadMembers(roomId).catch(() => undefined);
  markRead(roomId);
}

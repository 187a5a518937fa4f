import type { RealtimeClient } from '../api/socket';
import { loadSession } from './session';
import { createStore, useStore } from './store';
import { emptyTimeline } from './timeline';
import type { AppState, RoomEntry, Timeline, Toast } from './types';

/** The one application store, plus the live connection objects of the signed-in session. */

export function signedOutState(): Omit<AppState, 'session' | 'signedOutReason'> {
  return {
    connection: { status: 'connecting', attempt: 0 },
    rooms: {},
    roomsStatus: 'idle',
    closedRooms: {},
    timelines: {},
    members: {},
    reads: {},
    presence: {},
    typing: {},
    invites: [],
    friends: null,
    profile: null,
    names: {},
    activeRoomId: null,
    effects: [],
    toast: null,
  };
}

export const store = createStore<AppState>({
  session: loadSession(),
  signedOutReason: null,
  ...signedOutState(),
});

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(store, selector);
}

/** Set while signed in. */
export const live: { socket: RealtimeClient | null; userId: string } = {
  socket: null,
  userId: '',
};

export function signedIn(): boolean {
  return live.userId !== '';
}

export function updateTimeline(roomId: string, update: (tl: Timeline) => Timeline): Timeline {
  if (!signedIn()) return emptyTimeline(); // signed out while a request was in flight
  const current = store.get().timelines[roomId] ?? emptyTimeline();
  const next = update(current);
  if (next !== store.get().timelines[roomId]) {
    store.set((s) => ({ timelines: { ...s.timelines, [roomId]: next } }));
  }
  return next;
}

export function updateRoom(roomId: string, update: (entry: RoomEntry) => RoomEntry): void {
  const current = store.get().rooms[roomId];
  if (!current) return;
  const next = update(current);
  if (next !== current) store.set((s) => ({ rooms: { ...s.rooms, [roomId]: next } }));
}

/** Unread messages in a room: its last seq minus how far I have read (the server's numbers). */
export function unreadOf(entry: RoomEntry): number {
  if (entry.lastReadSeq === undefined) return 0;
  return Math.max(0, entry.lastSeq - entry.lastReadSeq);
}

/** Remember display names of users met anywhere. */
export function rememberNames(pairs: Array<{ id: string; name: string | undefined }>): void {
  const known = store.get().names;
  const fresh = pairs.filter((p) => p.name && known[p.id] !== p.name);
  if (!fresh.length) return;
  store.set((s) => {
    const names = { ...s.names };
    for (const p of fresh) names[p.id] = p.name as string;
    return { names };
  });
}

let toastSeq = 0;
let toastTimer = 0;

export function showToast(text: string, kind: Toast['kind'] = 'info'): void {
  const id = ++toastSeq;
  store.set({ toast: { id, kind, text } });
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    if (store.get().toast?.id === id) store.set({ toast: null });
  }, 4000);
}

export function dismissToast(): void {
  store.set({ toast: null });
}

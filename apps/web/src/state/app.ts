import type { Api } from '../api/endpoints';
import type { RealtimeClient } from '../api/socket';
import { loadSession } from './session';
import { createStore, useStore } from './store';
import { emptyTimeline } from './timeline';
import type { AppState, RoomEntry, Timeline, Toast } from './types';

/** The one application store, plus the live connection objects of the signed-in session. */

export const store = createStore<AppState>({
  session: loadSession(),
  signedOutReason: null,
  connection: { status: 'connecting', attempt: 0 },
  rooms: {},
  roomsStatus: 'idle',
  timelines: {},
  members: {},
  activeRoomId: null,
  toast: null,
});

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(store, selector);
}

/** Set while signed in. */
export const live: { api: Api | null; socket: RealtimeClient | null; userId: string } = {
  api: null,
  socket: null,
  userId: '',
};

export function requireApi(): Api {
  if (!live.api) throw new Error('Not signed in');
  return live.api;
}

export function updateTimeline(roomId: string, update: (tl: Timeline) => Timeline): Timeline {
  if (!live.api) return emptyTimeline(); // signed out while a request was in flight
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

import { Events, type DomainEvent } from '@app/contracts/events';
import type { AuthResultView } from '@app/contracts/views';
import { authApi, createApi, type RegisterInput } from '../api/endpoints';
import { ApiError, onUnauthorized } from '../api/http';
import { RealtimeClient } from '../api/socket';
import { live, store } from './app';
import { flushOutbox, receiveLive, resyncTimelines } from './messages';
import {
  loadRooms,
  markRead,
  onMemberJoined,
  refreshSummary,
  removeRoom,
  scheduleRoomsReload,
  upsertRooms,
} from './rooms';
import { clearSession, saveSession } from './session';
import type { Session } from './types';

/** Signing in and out, and wiring the realtime connection to the store. */

const MAX_TIMER_MS = 2 ** 31 - 1;
let expiryTimer = 0;
let cleanups: Array<() => void> = [];

const seenEvents = new Set<string>();
function firstTime(eventId: string): boolean {
  if (seenEvents.has(eventId)) return false;
  seenEvents.add(eventId);
  if (seenEvents.size > 2000) seenEvents.delete(seenEvents.values().next().value as string);
  return true;
}

function handleEvent(ev: DomainEvent): void {
  if (!firstTime(ev.eventId)) return;
  switch (ev.type) {
    case Events.MESSAGE_CREATED:
      if (!store.get().rooms[ev.message.roomId]) scheduleRoomsReload();
      receiveLive(ev.message);
      break;
    case Events.ROOM_MEMBER_JOINED:
      onMemberJoined(ev);
      break;
    case Events.USER_MEMBERSHIP_ADDED:
      if (ev.userId !== live.userId) break;
      upsertRooms([ev.room], { activity: ev.occurredAt });
      refreshSummary(ev.room.id).catch(() => undefined);
      break;
    case Events.USER_MEMBERSHIP_REMOVED:
      if (ev.userId !== live.userId) break;
      removeRoom(ev.roomId);
      break;
  }
}

/** Starts everything a signed-in session needs: API, room list, socket. */
export function startSession(session: Session): void {
  stopLive();
  const api = createApi(session.accessToken);
  live.api = api;
  live.userId = session.user.id;
  onUnauthorized(() => endSession('Your session has ended. Please log in again.'));

  const remaining = Date.parse(session.expiresAt) - Date.now();
  if (Number.isFinite(remaining)) {
    expiryTimer = window.setTimeout(
      () => endSession('Your session expired. Please log in again.'),
      Math.max(0, Math.min(remaining, MAX_TIMER_MS)),
    );
  }

  const socket = new RealtimeClient({
    token: session.accessToken,
    checkAuth: async () => {
      try {
        await api.me();
        return true;
      } catch (err) {
        return !(err instanceof ApiError && err.isUnauthorized);
      }
    },
  });
  live.socket = socket;
  socket.on('status', (connection) => store.set({ connection }));
  socket.on('event', handleEvent);
  socket.on('unauthorized', () => endSession('Your session has ended. Please log in again.'));
  socket.on('hello', ({ reconnect }) => {
    // After a reconnect (or when the first room list failed), refresh everything we may have missed.
    const sync =
      reconnect || store.get().roomsStatus !== 'ready'
        ? Promise.all([resyncTimelines(), loadRooms().catch(() => undefined)])
        : resyncTimelines();
    void sync.finally(flushOutbox);
  });

  const onVisible = () => {
    const active = store.get().activeRoomId;
    if (document.visibilityState === 'visible' && active) markRead(active);
  };
  document.addEventListener('visibilitychange', onVisible);
  cleanups.push(() => document.removeEventListener('visibilitychange', onVisible));

  loadRooms().catch((err) => console.warn('[session] rooms failed', err));
  api
    .me()
    .then((user) => {
      const current = store.get().session;
      if (!current || current.accessToken !== session.accessToken) return;
      const next = { ...current, user };
      saveSession(next);
      store.set({ session: next });
    })
    .catch(() => undefined);
  socket.start();
}

function stopLive(): void {
  window.clearTimeout(expiryTimer);
  for (const fn of cleanups) fn();
  cleanups = [];
  live.socket?.stop();
  live.socket = null;
  live.api = null;
  live.userId = '';
  onUnauthorized(null);
  seenEvents.clear();
}

export function endSession(reason: string | null): void {
  if (!store.get().session && !live.api) return;
  stopLive();
  clearSession();
  store.set({
    session: null,
    signedOutReason: reason,
    connection: { status: 'connecting', attempt: 0 },
    rooms: {},
    roomsStatus: 'idle',
    timelines: {},
    members: {},
    activeRoomId: null,
    toast: null,
  });
}

function begin(result: AuthResultView): void {
  const session: Session = {
    user: result.user,
    accessToken: result.accessToken,
    expiresAt: result.expiresAt,
  };
  saveSession(session);
  store.set({ session, signedOutReason: null });
  startSession(session);
}

export async function login(username: string, password: string): Promise<void> {
  begin(await authApi.login(username, password));
}

export async function register(input: RegisterInput): Promise<void> {
  begin(await authApi.register(input));
}

export function logout(): void {
  endSession(null);
}

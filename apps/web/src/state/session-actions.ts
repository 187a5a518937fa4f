import type { DomainEvent } from '@app/contracts/events';
import type { AuthResultView } from '@app/contracts/views';
import { api, authApi, type RegisterInput } from '../api/endpoints';
import { ApiError, setAuthProvider } from '../api/http';
import { RealtimeClient } from '../api/socket';
import { t } from '../lib/i18n';
import { live, rememberNames, signedOutState, store } from './app';
import {
  flushOutbox,
  onDeleted,
  onEdited,
  onReactionChanged,
  receiveLive,
  roomWentLive,
  syncRooms,
} from './messages';
import { announcePresence, onPresenceChanged, startPresence, stopPresence } from './presence';
import { notifyIncoming, unsubscribePush } from './notify';
import { cancelAllReads } from './reads';
import {
  applyRead,
  loadInvites,
  loadRooms,
  onInvited,
  onMemberGone,
  onMemberJoined,
  onMuted,
  onRoleChanged,
  onRoomChanged,
  removeRoom,
  scheduleRoomsReload,
  upsertRooms,
} from './rooms';
import { clearSession, saveSession, sessionFrom } from './session';
import { loadFriends, onFriendshipChanged } from './social';
import {
  authProvider,
  type EndReason,
  remainingMs,
  refreshSession,
  startTokenCare,
  stopTokenCare,
} from './tokens';
import { onTyping, resetTyping, stopTypingOf } from './typing';
import type { Session } from './types';

/** Signing in and out, and wiring the realtime connection to the store. */

const seenEvents = new Set<string>();
function firstTime(eventId: string): boolean {
  if (seenEvents.has(eventId)) return false;
  seenEvents.add(eventId);
  if (seenEvents.size > 5000) seenEvents.delete(seenEvents.values().next().value as string);
  return true;
}

function handleEvent(ev: DomainEvent): void {
  // At-least-once delivery (and two sockets while a token is renewed): each event once.
  if (!firstTime(ev.eventId)) return;
  switch (ev.type) {
    case 'message.created':
      if (!store.get().rooms[ev.message.roomId]) scheduleRoomsReload();
      stopTypingOf(ev.message.roomId, ev.message.senderId);
      receiveLive(ev.message);
      notifyIncoming(ev.message);
      break;
    case 'message.edited':
      onEdited(ev);
      break;
    case 'message.deleted':
      onDeleted(ev);
      break;
    case 'message.reaction.changed':
      onReactionChanged(ev);
      break;
    case 'room.member.joined':
      onMemberJoined(ev);
      break;
    case 'room.member.left':
    case 'room.member.kicked':
    case 'room.member.banned':
      onMemberGone(ev.roomId, ev.userId);
      break;
    case 'room.member.muted':
      onMuted(ev);
      break;
    case 'room.member.role_changed':
      onRoleChanged(ev);
      break;
    case 'room.renamed':
      onRoomChanged({ id: ev.roomId, name: ev.name });
      break;
    case 'room.updated':
      onRoomChanged(ev.room);
      break;
    case 'user.membership.added':
      if (ev.userId !== live.userId) break;
      upsertRooms([ev.room], { activity: ev.occurredAt });
      store.set((s) => ({ invites: s.invites.filter((i) => i.room.id !== ev.room.id) }));
      scheduleRoomsReload();
      roomWentLive(ev.room.id);
      break;
    case 'user.membership.removed':
      if (ev.userId !== live.userId) break;
      removeRoom(ev.roomId, ev.reason);
      break;
    case 'user.room.invited':
      rememberNames([{ id: ev.invitedBy, name: ev.invitedByName }]);
      onInvited(ev);
      break;
    case 'user.read.updated':
      if (ev.userId === live.userId) applyRead(ev.roomId, ev.userId, ev.lastReadSeq);
      break;
    case 'room.member.read':
      applyRead(ev.roomId, ev.userId, ev.lastReadSeq);
      break;
    case 'presence.changed':
      onPresenceChanged(ev);
      break;
    case 'room.typing':
      onTyping(ev);
      break;
    case 'user.friendship.changed':
      onFriendshipChanged(ev);
      break;
    case 'user.topic_proposal.decided':
      if (ev.proposal.status === 'approved') scheduleRoomsReload();
      break;
    case 'user.session.revoked':
      if (ev.sessionId === store.get().profile?.sessionId) endSession(t('session.revoked'));
      break;
  }
}

const endReasons: Record<EndReason, () => string> = {
  expired: () => t('session.expired'),
  revoked: () => t('session.revoked'),
  reused: () => t('session.reused'),
  elsewhere: () => t('session.elsewhere'),
};

/** Starts everything a signed-in session needs: tokens, room list, socket. */
export function startSession(session: Session): void {
  stopLive();
  live.userId = session.user.id;
  setAuthProvider(authProvider);

  const socket = new RealtimeClient({
    token: () => store.get().session?.accessToken ?? null,
    checkAuth: async () => {
      // A refused upgrade looks like a close before open: an expired token is refreshed and the
      // socket tries again; a revoked session ends (the HTTP layer ends it on its 401).
      const current = store.get().session;
      if (current && remainingMs(current) < 5_000) return (await refreshSession()) !== null;
      try {
        await api.me();
        return true;
      } catch (err) {
        return !(err instanceof ApiError && err.isUnauthorized);
      }
    },
  });
  live.socket = socket;
  startTokenCare({
    renewed: () => socket.renew(),
    ended: (reason) => endSession(endReasons[reason]()),
  });
  socket.on('status', (connection) => store.set({ connection }));
  socket.on('event', handleEvent);
  socket.on('unauthorized', () => endSession(t('session.revoked')));
  socket.on('signalError', (e) => console.warn('[socket] refused', e.type, e.code, e.message));
  socket.on('hello', ({ reconnect }) => {
    announcePresence();
    // From hello on every event reaches us; what came before is one sync frame away.
    const refreshList =
      reconnect || store.get().roomsStatus !== 'ready'
        ? loadRooms().catch(() => undefined)
        : Promise.resolve();
    void syncRooms().finally(flushOutbox);
    if (reconnect) void Promise.all([refreshList, loadInvites().catch(() => undefined)]);
  });
  startPresence();

  loadRooms().catch((err) => console.warn('[session] rooms failed', err));
  loadInvites().catch((err) => console.warn('[session] invites failed', err));
  if (session.user.role !== 'guest')
    loadFriends().catch((err) => console.warn('[session] friends failed', err));
  api
    .me()
    .then((me) => {
      const current = store.get().session;
      if (!current || current.user.id !== me.id) return;
      const user = { ...current.user, displayName: me.displayName, username: me.username, role: me.role };
      const next = { ...current, user };
      saveSession(next);
      store.set({
        session: next,
        profile: {
          statusText: me.statusText,
          hasAvatar: me.hasAvatar,
          avatarVersion: Date.now(),
          sessionId: me.sessionId,
        },
      });
    })
    .catch(() => undefined);
  socket.start();
}

function stopLive(): void {
  stopTokenCare();
  stopPresence();
  resetTyping();
  cancelAllReads();
  live.socket?.stop();
  live.socket = null;
  live.userId = '';
  setAuthProvider(null);
  seenEvents.clear();
}

export function endSession(reason: string | null): void {
  if (!store.get().session && !live.userId) return;
  stopLive();
  clearSession();
  store.set({ session: null, signedOutReason: reason, ...signedOutState() });
}

function begin(result: AuthResultView): void {
  const session = sessionFrom(result);
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

export async function enterAsGuest(): Promise<void> {
  begin(await authApi.guest());
}

/** Revoke the session on the server (its sockets close too), then forget it here. */
export async function logout(): Promise<void> {
  // The server closes this session's sockets as it revokes it: stop ours first, so that close
  // is not mistaken for being signed out by someone else.
  live.socket?.stop();
  // The device may change hands: its push subscription must not keep this account's messages coming.
  await unsubscribePush().catch(() => undefined);
  try {
    await authApi.logout();
  } catch (err) {
    console.warn('[session] logout request failed; signing out locally', err);
  }
  endSession(null);
}

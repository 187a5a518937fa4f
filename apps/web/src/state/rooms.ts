import type {
  RoomMemberJoinedEvent,
  RoomMemberMutedEvent,
  RoomMemberRoleChangedEvent,
  UserRoomInvitedEvent,
} from '@app/contracts/rooms/events';
import type { MemberView, MessageView, RoomSummaryView, RoomView } from '@app/contracts/views';
import { api } from '../api/endpoints';
import { live, rememberNames, signedIn, store, updateRoom } from './app';
import { noteAvatars } from './avatars';
import type { ClosedRoom, RoomEntry } from './types';

/** The room list: loading it, previews, unread counts, members, read positions, presence, invites. */

function later(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** Adds or refreshes rooms. With `replaceFetchedAt`, rooms missing from `rooms` are dropped (I left them). */
export function upsertRooms(
  rooms: RoomView[],
  opts: { replaceFetchedAt?: number; activity?: string } = {},
): void {
  store.set((s) => {
    const next: Record<string, RoomEntry> = {};
    for (const [id, entry] of Object.entries(s.rooms)) {
      // A full list replaces what we hold, except rooms added after that list was asked for.
      if (opts.replaceFetchedAt === undefined || entry.addedAt > opts.replaceFetchedAt) next[id] = entry;
    }
    const closedRooms = { ...s.closedRooms };
    for (const room of rooms) {
      const existing = s.rooms[room.id];
      delete closedRooms[room.id];
      next[room.id] = existing
        ? { ...existing, room: { ...existing.room, ...room, myRole: room.myRole ?? existing.room.myRole } }
        : {
            room,
            lastSeq: 0,
            lastActivity: opts.activity ?? room.lastActivityAt ?? room.createdAt,
            addedAt: Date.now(),
          };
    }
    return { rooms: next, closedRooms };
  });
}

/** A room left my list; with `closed`, the conversation pane says why instead of vanishing. */
export function removeRoom(roomId: string, closed?: ClosedRoom['reason']): void {
  store.set((s) => {
    const entry = s.rooms[roomId];
    const rooms = { ...s.rooms };
    delete rooms[roomId];
    const timelines = { ...s.timelines };
    delete timelines[roomId];
    const closedRooms =
      closed && (entry || s.activeRoomId === roomId)
        ? { ...s.closedRooms, [roomId]: { name: entry?.room.name ?? '', reason: closed } }
        : s.closedRooms;
    return { rooms, timelines, closedRooms };
  });
}

function previewOf(m: MessageView): RoomEntry['last'] {
  return { seq: m.seq, senderId: m.senderId, kind: m.kind, content: m.content, createdAt: m.createdAt };
}

/** Records the newest message we know of, for the preview line, the list order and unread counts. */
export function notePreview(message: MessageView): void {
  updateRoom(message.roomId, (entry) => {
    const lastSeq = Math.max(entry.lastSeq, message.seq);
    if (message.deletedAt) {
      // The preview goes if it was this message; the seq still counts.
      const last = entry.last?.seq === message.seq ? undefined : entry.last;
      return lastSeq === entry.lastSeq && last === entry.last ? entry : { ...entry, lastSeq, last };
    }
    if (entry.last && entry.last.seq > message.seq)
      return lastSeq === entry.lastSeq ? entry : { ...entry, lastSeq };
    if (
      entry.last?.seq === message.seq &&
      entry.last.content === message.content &&
      lastSeq === entry.lastSeq
    )
      return entry;
    return {
      ...entry,
      lastSeq,
      last: previewOf(message),
      lastActivity: later(entry.lastActivity, message.createdAt),
    };
  });
}

export function bumpActivity(roomId: string, at = new Date().toISOString()): void {
  updateRoom(roomId, (entry) => ({ ...entry, lastActivity: later(entry.lastActivity, at) }));
}

function applySummary(summary: RoomSummaryView): void {
  updateRoom(summary.roomId, (entry) => {
    const lastSeq = Math.max(entry.lastSeq, summary.lastSeq);
    const m = summary.lastMessage;
    const newer = m && (!entry.last || m.seq >= entry.last.seq);
    return {
      ...entry,
      lastSeq,
      last: newer ? previewOf(m) : entry.last,
      lastActivity: m ? later(entry.lastActivity, m.createdAt) : entry.lastActivity,
    };
  });
}

/** A member's read position moved (never backwards); mine also moves my unread count. */
export function applyRead(roomId: string, userId: string, seq: number): void {
  const held = store.get().reads[roomId];
  if (held && (held[userId] ?? -1) < seq) {
    store.set((s) => ({ reads: { ...s.reads, [roomId]: { ...s.reads[roomId], [userId]: seq } } }));
  }
  if (userId === live.userId) {
    updateRoom(roomId, (entry) =>
      (entry.lastReadSeq ?? -1) >= seq ? entry : { ...entry, lastReadSeq: seq },
    );
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function eachLimited<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    while (queue.length && signedIn()) {
      const item = queue.shift() as T;
      await fn(item).catch((err) => console.warn('[rooms] background load failed', err));
    }
  });
  await Promise.all(workers);
}

/** Everyone's read positions in a room (receipts), and mine (unread). */
export async function loadReads(roomId: string): Promise<void> {
  const { positions } = await api.reads(roomId);
  const byUser: Record<string, number> = {};
  for (const p of positions) byUser[p.userId] = p.lastReadSeq;
  store.set((s) => ({ reads: { ...s.reads, [roomId]: { ...s.reads[roomId], ...byUser } } }));
  const mine = byUser[live.userId] ?? 0;
  updateRoom(roomId, (entry) =>
    entry.lastReadSeq !== undefined && entry.lastReadSeq >= mine ? entry : { ...entry, lastReadSeq: mine },
  );
}

export async function loadPresence(roomId: string): Promise<void> {
  const { presence } = await api.presence(roomId);
  store.set((s) => {
    const next = { ...s.presence };
    for (const p of presence) next[p.userId] = { status: p.status, lastSeenAt: p.lastSeenAt };
    return { presence: next };
  });
}

/**
 * The list, the summary of every room (newest seq and message: previews, order, unread), my read
 * position per room, and for direct rooms the other person (name, presence).
 */
export async function loadRooms(): Promise<void> {
  if (store.get().roomsStatus !== 'ready') store.set({ roomsStatus: 'loading' });
  try {
    const askedAt = Date.now();
    const [{ rooms }, summaries] = await Promise.all([
      api.listRooms(),
      api.summaries().catch((err) => {
        console.warn('[rooms] summary failed', err);
        return { rooms: [] };
      }),
    ]);
    upsertRooms(rooms, { replaceFetchedAt: askedAt });
    for (const s of summaries.rooms) applySummary(s);
    store.set({ roomsStatus: 'ready' });
    const held = store.get().rooms;
    // Read positions only where they can change what we show: unknown yet, or something unread.
    const needReads = rooms.filter((r) => {
      const e = held[r.id];
      return e && (e.lastReadSeq === undefined || e.lastSeq > e.lastReadSeq);
    });
    const direct = rooms.filter((r) => r.kind === 'direct' && !store.get().members[r.id]);
    await Promise.all([
      eachLimited(needReads, 4, (r) => loadReads(r.id)),
      eachLimited(direct, 2, async (r) => {
        await loadMembers(r.id);
        await loadPresence(r.id);
      }),
    ]);
  } catch (err) {
    if (store.get().roomsStatus !== 'ready') store.set({ roomsStatus: 'error' });
    throw err;
  }
}

let reloadTimer = 0;
/** Something mentioned a room I do not have in the list: reload it soon (coalesced). */
export function scheduleRoomsReload(): void {
  window.clearTimeout(reloadTimer);
  reloadTimer = window.setTimeout(() => {
    if (signedIn()) loadRooms().catch((err) => console.warn('[rooms] reload failed', err));
  }, 500);
}

export async function loadMembers(roomId: string): Promise<void> {
  const detail = await api.getRoom(roomId);
  const { members, ...room } = detail;
  const byId: Record<string, MemberView> = {};
  for (const m of members) byId[m.userId] = m;
  store.set((s) => ({ members: { ...s.members, [roomId]: byId } }));
  rememberNames(members.map((m) => ({ id: m.userId, name: m.displayName })));
  noteAvatars(members);
  if (store.get().rooms[roomId]) upsertRooms([room]);
}

const memberReloads = new Map<string, number>();
/** A sender we do not know: reload the member list (at most once a second per room). */
export function scheduleMembersReload(roomId: string): void {
  if (memberReloads.has(roomId)) return;
  memberReloads.set(
    roomId,
    window.setTimeout(() => {
      memberReloads.delete(roomId);
      if (signedIn()) loadMembers(roomId).catch((err) => console.warn('[rooms] members reload failed', err));
    }, 1000),
  );
}

function setMember(
  roomId: string,
  userId: string,
  update: (m: MemberView | undefined) => MemberView | null,
): void {
  const known = store.get().members[roomId];
  if (!known) return;
  const next = update(known[userId]);
  const copy = { ...known };
  if (next) copy[userId] = next;
  else delete copy[userId];
  store.set((s) => ({ members: { ...s.members, [roomId]: copy } }));
  updateRoom(roomId, (entry) => ({
    ...entry,
    room: { ...entry.room, memberCount: Object.keys(copy).length },
  }));
}

export function onMemberJoined(ev: RoomMemberJoinedEvent): void {
  rememberNames([{ id: ev.userId, name: ev.displayName }]);
  const known = store.get().members[ev.roomId];
  if (known) {
    setMember(ev.roomId, ev.userId, (m) => ({
      userId: ev.userId,
      displayName: ev.displayName,
      role: ev.role,
      joinedAt: m?.joinedAt ?? ev.occurredAt,
    }));
  } else if (ev.userId !== live.userId) {
    // Without a member list, my own join is already in the count the server gave me.
    updateRoom(ev.roomId, (entry) => ({
      ...entry,
      room: { ...entry.room, memberCount: entry.room.memberCount + 1 },
    }));
  }
}

export function onMemberGone(roomId: string, userId: string): void {
  if (userId === live.userId) return; // my own removal arrives as user.membership.removed
  if (store.get().members[roomId]) setMember(roomId, userId, () => null);
  else
    updateRoom(roomId, (entry) => ({
      ...entry,
      room: { ...entry.room, memberCount: Math.max(1, entry.room.memberCount - 1) },
    }));
}

export function onRoleChanged(ev: RoomMemberRoleChangedEvent): void {
  setMember(ev.roomId, ev.userId, (m) => (m ? { ...m, role: ev.role } : null));
  if (ev.userId === live.userId)
    updateRoom(ev.roomId, (e) => ({ ...e, room: { ...e.room, myRole: ev.role } }));
  // Ownership moves to someone else: the old owner became an admin; a reload says so exactly.
  if (ev.role === 'owner') scheduleMembersReload(ev.roomId);
}

export function onMuted(ev: RoomMemberMutedEvent): void {
  setMember(ev.roomId, ev.userId, (m) => (m ? { ...m, mutedUntil: ev.mutedUntil ?? undefined } : null));
}

export function onRoomChanged(room: Partial<RoomView> & { id: string }): void {
  updateRoom(room.id, (entry) => ({
    ...entry,
    // Room events carry no myRole (it is per member): keep mine.
    room: { ...entry.room, ...room, myRole: entry.room.myRole },
  }));
}

export async function createRoom(name: string): Promise<RoomView> {
  const room = await api.createRoom(name);
  upsertRooms([room], { activity: new Date().toISOString() });
  updateRoom(room.id, (e) => ({ ...e, lastReadSeq: e.lastReadSeq ?? 0 }));
  return room;
}

/** Join with an invite link's token, or (no token) by accepting a pending invite; topic rooms need neither. */
export async function joinRoom(roomId: string, inviteToken?: string): Promise<RoomView> {
  const room = await api.joinRoom(roomId, inviteToken);
  upsertRooms([room], { activity: new Date().toISOString() });
  store.set((s) => ({ invites: s.invites.filter((i) => i.room.id !== roomId) }));
  Promise.all([loadReads(roomId), api.summaries().then((s) => s.rooms.forEach(applySummary))]).catch(
    () => undefined,
  );
  return room;
}

export async function leaveRoom(roomId: string): Promise<void> {
  await api.leaveRoom(roomId);
  removeRoom(roomId);
}

// ---- invitations to me ----

export async function loadInvites(): Promise<void> {
  const { invites } = await api.invites();
  store.set({ invites });
  rememberNames(invites.map((i) => ({ id: i.invitedBy, name: i.invitedByName })));
}

export function onInvited(ev: UserRoomInvitedEvent): void {
  if (ev.userId !== live.userId || store.get().rooms[ev.room.id]) return;
  store.set((s) => ({
    invites: [
      { room: ev.room, invitedBy: ev.invitedBy, invitedByName: ev.invitedByName, createdAt: ev.occurredAt },
      ...s.invites.filter((i) => i.room.id !== ev.room.id),
    ],
  }));
}

export async function declineInvite(roomId: string): Promise<void> {
  await api.declineInvite(roomId);
  store.set((s) => ({ invites: s.invites.filter((i) => i.room.id !== roomId) }));
}

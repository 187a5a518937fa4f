import type { RoomMemberJoinedEvent } from '@app/contracts/rooms/events';
import type { MemberView, MessageView, RoomView } from '@app/contracts/views';
import { live, requireApi, store, updateRoom } from './app';
import { getReadSeq, setReadSeq } from './readMarkers';
import { lastSeq } from './timeline';
import type { RoomEntry } from './types';

/** The room list: loading it, previews, unread counts, members. */

const UNREAD_SCAN_LIMIT = 100;

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
    for (const room of rooms) {
      const existing = s.rooms[room.id];
      next[room.id] = existing
        ? { ...existing, room: { ...existing.room, ...room } }
        : { room, unread: 0, lastActivity: opts.activity ?? room.createdAt, addedAt: Date.now() };
    }
    return { rooms: next };
  });
}

export function removeRoom(roomId: string): void {
  store.set((s) => {
    if (!s.rooms[roomId]) return {};
    const rooms = { ...s.rooms };
    delete rooms[roomId];
    return { rooms };
  });
}

/** Records the newest message we know of, for the preview line and the list order. */
export function notePreview(message: MessageView): void {
  updateRoom(message.roomId, (entry) => {
    if (entry.last && entry.last.seq >= message.seq) return entry;
    return {
      ...entry,
      last: {
        seq: message.seq,
        senderId: message.senderId,
        content: message.content,
        createdAt: message.createdAt,
      },
      lastActivity: later(entry.lastActivity, message.createdAt),
    };
  });
}

export function bumpActivity(roomId: string, at = new Date().toISOString()): void {
  updateRoom(roomId, (entry) => ({ ...entry, lastActivity: later(entry.lastActivity, at) }));
}

/** Everything up to the newest message of the room has been seen. */
export function markRead(roomId: string): void {
  const s = store.get();
  const tl = s.timelines[roomId];
  const seq = Math.max(tl ? lastSeq(tl) : 0, s.rooms[roomId]?.last?.seq ?? 0);
  if (live.userId) setReadSeq(live.userId, roomId, seq);
  updateRoom(roomId, (entry) => (entry.unread === 0 ? entry : { ...entry, unread: 0 }));
}

export function isViewing(roomId: string): boolean {
  return store.get().activeRoomId === roomId && document.visibilityState === 'visible';
}

/** A live message from someone else in a room I am not looking at. */
export function countUnread(message: MessageView): void {
  if (message.senderId === live.userId || isViewing(message.roomId)) return;
  const readSeq = getReadSeq(live.userId, message.roomId) ?? 0;
  if (message.seq <= readSeq) return;
  updateRoom(message.roomId, (entry) => ({ ...entry, unread: entry.unread + 1 }));
}

/** Newest message (for the preview) and unread count from the server, for one room. */
export async function refreshSummary(roomId: string): Promise<void> {
  const api = requireApi();
  const page = await api.listMessages(roomId, { limit: 1 });
  const latest = page.messages[page.messages.length - 1];
  if (latest) notePreview(latest);
  const newest = latest?.seq ?? 0;

  if (isViewing(roomId)) {
    markRead(roomId);
    return;
  }
  const readSeq = getReadSeq(live.userId, roomId);
  if (readSeq === undefined) {
    // First time this device sees the room: start counting from now.
    setReadSeq(live.userId, roomId, newest);
    return;
  }
  let unread = 0;
  if (newest > readSeq) {
    const unseen = await api.listMessages(roomId, { afterSeq: readSeq, limit: UNREAD_SCAN_LIMIT });
    unread = unseen.messages.filter((m) => m.senderId !== live.userId).length + (unseen.hasMore ? 1 : 0);
  }
  updateRoom(roomId, (entry) => (entry.unread === unread ? entry : { ...entry, unread }));
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    while (queue.length) {
      const item = queue.shift() as T;
      await fn(item).catch((err) => console.warn('[rooms] summary failed', err));
    }
  });
  await Promise.all(workers);
}

export async function loadRooms(): Promise<void> {
  const api = requireApi();
  if (store.get().roomsStatus !== 'ready') store.set({ roomsStatus: 'loading' });
  try {
    const askedAt = Date.now();
    const { rooms } = await api.listRooms();
    upsertRooms(rooms, { replaceFetchedAt: askedAt });
    store.set({ roomsStatus: 'ready' });
    await eachLimited(
      rooms.map((r) => r.id),
      4,
      refreshSummary,
    );
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
    loadRooms().catch((err) => console.warn('[rooms] reload failed', err));
  }, 500);
}

export async function loadMembers(roomId: string): Promise<void> {
  const detail = await requireApi().getRoom(roomId);
  const { members, ...room } = detail;
  const byId: Record<string, MemberView> = {};
  for (const m of members) byId[m.userId] = m;
  store.set((s) => ({ members: { ...s.members, [roomId]: byId } }));
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
      loadMembers(roomId).catch((err) => console.warn('[rooms] members reload failed', err));
    }, 1000),
  );
}

export function onMemberJoined(ev: RoomMemberJoinedEvent): void {
  const known = store.get().members[ev.roomId];
  const isNew = !known?.[ev.userId];
  if (known) {
    const member: MemberView = {
      userId: ev.userId,
      displayName: ev.displayName,
      role: ev.role,
      joinedAt: ev.occurredAt,
    };
    store.set((s) => ({
      members: { ...s.members, [ev.roomId]: { ...s.members[ev.roomId], [ev.userId]: member } },
    }));
  }
  // Without a member list, my own join is already in the count the server gave me.
  if (isNew && (known || ev.userId !== live.userId)) {
    updateRoom(ev.roomId, (entry) => ({
      ...entry,
      room: {
        ...entry.room,
        memberCount: known ? Object.keys(known).length + 1 : entry.room.memberCount + 1,
      },
    }));
  }
}

export async function createRoom(name: string): Promise<RoomView> {
  const room = await requireApi().createRoom(name);
  upsertRooms([room], { activity: new Date().toISOString() });
  if (live.userId) setReadSeq(live.userId, room.id, 0);
  return room;
}

export async function joinRoom(roomId: string): Promise<RoomView> {
  const room = await requireApi().joinRoom(roomId);
  upsertRooms([room], { activity: new Date().toISOString() });
  refreshSummary(room.id).catch(() => undefined);
  return room;
}

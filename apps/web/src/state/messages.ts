import type { SyncRoomResult } from '@app/contracts/frames';
import type {
  MessageDeletedEvent,
  MessageEditedEvent,
  MessageReactionChangedEvent,
} from '@app/contracts/messages/events';
import { Limits } from '@app/contracts/limits';
import type { AttachmentView, MessageView, ReactionView } from '@app/contracts/views';
import { api } from '../api/endpoints';
import { ApiError } from '../api/http';
import { FrameError } from '../api/socket';
import { errorText } from '../lib/i18n';
import { uuid } from '../lib/ids';
import { live, showToast, store, updateTimeline } from './app';
import { markEffectsSeen, playEffectsOf } from './effects';
import { readBySender } from './reads';
import { bumpActivity, notePreview, removeRoom, scheduleMembersReload } from './rooms';
import {
  addPending,
  emptyTimeline,
  firstSeq,
  isStored,
  lastSeq,
  mergeMessages,
  patchPending,
  removePending,
  replaceMessage,
  updateMessage,
} from './timeline';

/** One room's messages: loading pages, resync, live messages, edits and reactions, and the outbox. */

const PAGE = Limits.PAGE_DEFAULT;
const SYNC_MAX_ROOMS = 100;

function merge(roomId: string, messages: MessageView[]): void {
  if (!messages.length) return;
  updateTimeline(roomId, (tl) => mergeMessages(tl, messages, live.userId));
  notePreview(messages[messages.length - 1]);
  const members = store.get().members[roomId];
  if (members && messages.some((m) => m.kind !== 'system' && !members[m.senderId]))
    scheduleMembersReload(roomId);
}

const loadingNewest = new Set<string>();
/** Rooms that went live on the socket while their newest page was loading (see roomWentLive). */
const liveWhileLoading = new Set<string>();

/**
 * The room is live on this socket from now on (`user.membership.added`). A page fetched before
 * that (on joining) may lack what was said in between, so the room is synced now, or as soon as
 * the page being fetched has landed.
 */
export function roomWentLive(roomId: string): void {
  if (loadingNewest.has(roomId)) liveWhileLoading.add(roomId);
  else void syncRooms([roomId]);
}

/** Opening a room: load its newest page unless it is loaded or loading already. */
export function ensureLoaded(roomId: string): void {
  const tl = store.get().timelines[roomId];
  if (tl?.status === 'ready' || loadingNewest.has(roomId)) return;
  void loadNewest(roomId);
}

/**
 * The newest page. With `reset` (the server said the gap is too large to fill), what we hold is
 * dropped first, so no hole stays between old and new; pending messages stay either way.
 */
export async function loadNewest(roomId: string, reset = false): Promise<void> {
  if (loadingNewest.has(roomId)) return;
  loadingNewest.add(roomId);
  updateTimeline(roomId, (tl) => ({
    ...tl,
    messages: reset ? [] : tl.messages,
    status: tl.status === 'ready' && !reset ? 'ready' : 'loading',
    error: undefined,
  }));
  try {
    const page = await api.listMessages(roomId, { limit: PAGE });
    markEffectsSeen(page.messages);
    updateTimeline(roomId, (tl) => {
      // Older messages already held (a reload after an error) keep their own "more" flag.
      const heldOlder =
        tl.messages.length > 0 && page.messages.length > 0 && tl.messages[0].seq < page.messages[0].seq;
      return {
        ...mergeMessages(tl, page.messages, live.userId),
        status: 'ready',
        hasMoreOlder: heldOlder ? tl.hasMoreOlder : page.hasMore,
      };
    });
    if (page.messages.length) notePreview(page.messages[page.messages.length - 1]);
    // Anything said between the page and now reaches us live; a hole is filled by sync.
    const tl = store.get().timelines[roomId];
    const wentLive = liveWhileLoading.delete(roomId);
    if (tl && (hasHole(tl.messages) || wentLive)) void syncRooms([roomId]);
  } catch (err) {
    const e = err instanceof ApiError ? err : null;
    updateTimeline(roomId, (tl) => ({
      ...tl,
      status: 'error',
      error: { code: e?.code ?? 'unknown', message: errorText(err) },
    }));
  } finally {
    loadingNewest.delete(roomId);
    liveWhileLoading.delete(roomId);
  }
}

function hasHole(messages: MessageView[]): boolean {
  for (let i = 0; i + 1 < messages.length; i++) if (messages[i + 1].seq !== messages[i].seq + 1) return true;
  return false;
}

/** The page before the oldest message held (scrolling up). */
export async function loadOlder(roomId: string): Promise<void> {
  const tl = store.get().timelines[roomId];
  const before = tl && firstSeq(tl);
  if (!tl || tl.status !== 'ready' || !tl.hasMoreOlder || tl.loadingOlder || before === null) return;
  updateTimeline(roomId, (t) => ({ ...t, loadingOlder: true, olderError: undefined }));
  try {
    const page = await api.listMessages(roomId, { beforeSeq: before, limit: PAGE });
    markEffectsSeen(page.messages);
    updateTimeline(roomId, (t) => ({
      ...mergeMessages(t, page.messages, live.userId),
      hasMoreOlder: page.hasMore,
      loadingOlder: false,
    }));
  } catch (err) {
    updateTimeline(roomId, (t) => ({ ...t, loadingOlder: false, olderError: errorText(err) }));
  }
}

// ---- resync over the socket ----

let batch: { ids: Set<string>; done: Promise<void> } | null = null;

/**
 * One `sync` frame (per 100 rooms) naming every loaded room with the highest seq held; the server
 * answers per room with exactly the missing messages, `reload`, or an error. Calls made in the
 * same tick share one frame.
 */
export function syncRooms(roomIds?: string[]): Promise<void> {
  const wanted = roomIds ?? Object.keys(store.get().timelines);
  if (batch) {
    for (const id of wanted) batch.ids.add(id);
    return batch.done;
  }
  const ids = new Set(wanted);
  const done = Promise.resolve().then(async () => {
    batch = null;
    const socket = live.socket;
    if (!socket?.isOnline) return; // the next hello syncs everything
    const cursors: Array<{ roomId: string; afterSeq: number }> = [];
    for (const roomId of ids) {
      const tl = store.get().timelines[roomId];
      if (!tl) continue;
      if (tl.status !== 'ready') {
        if (roomId === store.get().activeRoomId && tl.status === 'error') void loadNewest(roomId);
        continue;
      }
      cursors.push({ roomId, afterSeq: contiguousEnd(tl.messages) });
    }
    for (let i = 0; i < cursors.length; i += SYNC_MAX_ROOMS) {
      try {
        const result = await socket.request({ type: 'sync', rooms: cursors.slice(i, i + SYNC_MAX_ROOMS) });
        for (const room of result.rooms) applySync(room);
      } catch (err) {
        if (err instanceof FrameError && err.kind === 'disconnected') return; // the next hello resyncs
        console.warn('[messages] sync failed', err);
      }
    }
  });
  batch = { ids, done };
  return done;
}

/** The highest seq up to which we hold every message (so a hole gets filled too). */
function contiguousEnd(messages: MessageView[]): number {
  for (let i = 0; i + 1 < messages.length; i++) {
    if (messages[i + 1].seq !== messages[i].seq + 1) return messages[i].seq;
  }
  return messages.length ? messages[messages.length - 1].seq : 0;
}

function applySync(result: SyncRoomResult): void {
  if ('error' in result) {
    const code = result.error.code;
    if (code === 'room.not_member' || code === 'room.not_found') removeRoom(result.roomId, 'gone');
    else console.warn('[messages] sync refused for a room', result.roomId, code);
    return;
  }
  if (result.reload) {
    void loadNewest(result.roomId, true);
    return;
  }
  markEffectsSeen(result.messages);
  merge(result.roomId, result.messages);
}

/** A `message.created` event (or any message learnt live). */
export function receiveLive(message: MessageView): void {
  const roomId = message.roomId;
  const tl = store.get().timelines[roomId];
  notePreview(message);
  playEffectsOf(message);
  readBySender(message);
  if (!tl || tl.status === 'error') return;
  const expected = lastSeq(tl) + 1;
  merge(roomId, [message]);
  if (tl.status === 'ready' && message.seq > expected) void syncRooms([roomId]);
}

/** A message changed in place (edit, delete, my own ack of either). */
function changed(message: MessageView): void {
  updateTimeline(message.roomId, (tl) => replaceMessage(tl, message));
  notePreview(message);
}

export function onEdited(ev: MessageEditedEvent): void {
  changed(ev.message);
}

export function onDeleted(ev: MessageDeletedEvent): void {
  changed(ev.message);
}

export function onReactionChanged(ev: MessageReactionChangedEvent): void {
  updateTimeline(ev.roomId, (tl) =>
    updateMessage(tl, ev.messageId, (m) => {
      const mineBefore = new Set((m.reactions ?? []).filter((r) => r.me).map((r) => r.emoji));
      if (ev.userId === live.userId) {
        if (ev.op === 'added') mineBefore.add(ev.emoji);
        else mineBefore.delete(ev.emoji);
      }
      const reactions: ReactionView[] = ev.reactions
        .filter((r) => r.count > 0)
        .map((r) => ({ emoji: r.emoji, count: r.count, me: mineBefore.has(r.emoji) }));
      return { ...m, reactions };
    }),
  );
}

// ---- sending ----

const inFlight = new Set<string>();

/** Text, or with `attachments` (uploaded already) an image message whose caption is `content`. */
export function sendMessage(
  roomId: string,
  content: string,
  replyToId?: string,
  attachments?: AttachmentView[],
): void {
  const pending = {
    clientMsgId: uuid(),
    roomId,
    content,
    replyToId,
    ...(attachments?.length ? { attachments } : {}),
    createdAt: new Date().toISOString(),
    status: 'pending' as const,
  };
  if (!store.get().timelines[roomId]) updateTimeline(roomId, () => emptyTimeline());
  updateTimeline(roomId, (tl) => addPending(tl, pending));
  bumpActivity(roomId, pending.createdAt);
  deliver(roomId, pending.clientMsgId);
}

/** Sends one pending message over the socket; if offline it waits for `flushOutbox`. */
function deliver(roomId: string, clientMsgId: string): void {
  const socket = live.socket;
  const p = store.get().timelines[roomId]?.pending.find((x) => x.clientMsgId === clientMsgId);
  if (!p || !socket || !socket.isOnline || inFlight.has(clientMsgId)) return;
  inFlight.add(clientMsgId);
  socket
    .request({
      type: 'message.send',
      roomId,
      clientMsgId,
      content: p.content,
      ...(p.replyToId ? { replyToId: p.replyToId } : {}),
      ...(p.attachments?.length
        ? { kind: 'image' as const, attachmentIds: p.attachments.map((a) => a.id) }
        : {}),
    })
    .then((ack) => {
      merge(roomId, [ack.message]);
      readBySender(ack.message);
      if (!ack.duplicate) playEffectsOf(ack.message);
    })
    .catch((err: unknown) => {
      const tl = store.get().timelines[roomId];
      if (!tl || isStored(tl, clientMsgId, live.userId)) return;
      if (err instanceof FrameError && err.kind === 'disconnected') {
        // Its socket went away. Another one may already be up (a renewed token): offer it there
        // now, with the same clientMsgId; otherwise the next hello sends it.
        if (live.socket?.isOnline) window.setTimeout(() => deliver(roomId, clientMsgId), 0);
        return;
      }
      updateTimeline(roomId, (t) =>
        patchPending(t, clientMsgId, { status: 'failed', error: errorText(err) }),
      );
    })
    .finally(() => inFlight.delete(clientMsgId));
}

/** Resends a failed message with the same clientMsgId, so the server stores it at most once. */
export function retryMessage(roomId: string, clientMsgId: string): void {
  updateTimeline(roomId, (tl) => patchPending(tl, clientMsgId, { status: 'pending', error: undefined }));
  deliver(roomId, clientMsgId);
}

export function discardMessage(roomId: string, clientMsgId: string): void {
  updateTimeline(roomId, (tl) => removePending(tl, clientMsgId));
}

/** After (re)connecting and resyncing: send everything still waiting, oldest first. */
export function flushOutbox(): void {
  for (const [roomId, tl] of Object.entries(store.get().timelines)) {
    for (const p of tl.pending) if (p.status === 'pending') deliver(roomId, p.clientMsgId);
  }
}

// ---- editing, deleting, reacting ----

function requireSocket() {
  const socket = live.socket;
  if (!socket?.isOnline) throw new FrameError('disconnected', 'client.offline', 'Not connected');
  return socket;
}

export async function editMessage(roomId: string, messageId: string, content: string): Promise<void> {
  const ack = await requireSocket().request({ type: 'message.edit', roomId, messageId, content });
  changed(ack.message);
}

export async function deleteMessage(roomId: string, messageId: string): Promise<void> {
  const ack = await requireSocket().request({ type: 'message.delete', roomId, messageId });
  changed(ack.message);
}

export async function toggleReaction(
  roomId: string,
  messageId: string,
  emoji: string,
  add: boolean,
): Promise<void> {
  try {
    const ack = await requireSocket().request({ type: 'message.react', roomId, messageId, emoji, add });
    updateTimeline(roomId, (tl) =>
      updateMessage(tl, messageId, (m) => ({ ...m, reactions: ack.reactions.reactions })),
    );
  } catch (err) {
    showToast(errorText(err), 'error');
  }
}

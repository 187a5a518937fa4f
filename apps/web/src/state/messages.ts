import { Limits } from '@app/contracts/limits';
import type { MessageView } from '@app/contracts/views';
import { errorMessage, ApiError } from '../api/http';
import { FrameError } from '../api/socket';
import { uuid } from '../lib/ids';
import { live, requireApi, store, updateTimeline } from './app';
import { bumpActivity, countUnread, isViewing, markRead, notePreview, scheduleMembersReload } from './rooms';
import {
  addPending,
  emptyTimeline,
  findGap,
  firstSeq,
  isStored,
  lastSeq,
  mergeMessages,
  patchPending,
  removePending,
} from './timeline';

/** One room's messages: loading pages, filling gaps, live messages, and the outbox. */

const PAGE = Limits.PAGE_DEFAULT;
const CATCH_UP_PAGE = Limits.PAGE_MAX;

function merge(roomId: string, messages: MessageView[]): void {
  if (!messages.length) return;
  updateTimeline(roomId, (tl) => mergeMessages(tl, messages, live.userId));
  notePreview(messages[messages.length - 1]);
  const members = store.get().members[roomId];
  if (members && messages.some((m) => !members[m.senderId])) scheduleMembersReload(roomId);
}

const loadingNewest = new Set<string>();

/** Opening a room: load its newest page unless it is loaded or loading already. */
export function ensureLoaded(roomId: string): void {
  const tl = store.get().timelines[roomId];
  if (tl?.status === 'ready' || loadingNewest.has(roomId)) return;
  void loadNewest(roomId);
}

export async function loadNewest(roomId: string): Promise<void> {
  if (loadingNewest.has(roomId)) return;
  loadingNewest.add(roomId);
  try {
    await loadNewestPage(roomId);
  } finally {
    loadingNewest.delete(roomId);
  }
}

/** The newest page; keeps anything already held (pending messages, live arrivals). */
async function loadNewestPage(roomId: string): Promise<void> {
  updateTimeline(roomId, (tl) => ({ ...tl, status: 'loading', error: undefined }));
  try {
    const page = await requireApi().listMessages(roomId, { limit: PAGE });
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
    if (isViewing(roomId)) markRead(roomId);
    void fillGaps(roomId);
  } catch (err) {
    const e = err instanceof ApiError ? err : null;
    updateTimeline(roomId, (tl) => ({
      ...tl,
      status: 'error',
      error: { code: e?.code ?? 'unknown', message: errorMessage(err) },
    }));
  }
}

/** The page before the oldest message held (scrolling up). */
export async function loadOlder(roomId: string): Promise<void> {
  const tl = store.get().timelines[roomId];
  const before = tl && firstSeq(tl);
  if (!tl || tl.status !== 'ready' || !tl.hasMoreOlder || tl.loadingOlder || before === null) return;
  updateTimeline(roomId, (t) => ({ ...t, loadingOlder: true, olderError: undefined }));
  try {
    const page = await requireApi().listMessages(roomId, { beforeSeq: before, limit: PAGE });
    updateTimeline(roomId, (t) => ({
      ...mergeMessages(t, page.messages, live.userId),
      hasMoreOlder: page.hasMore,
      loadingOlder: false,
    }));
  } catch (err) {
    updateTimeline(roomId, (t) => ({ ...t, loadingOlder: false, olderError: errorMessage(err) }));
  }
}

const catchingUp = new Map<string, Promise<void>>();
/** Holes the server confirmed are really empty (a seq was never used), so we stop asking. */
const acceptedHoles = new Map<string, number>();

/** Fetches everything after `fromSeq` (defaults to the newest held), page by page. */
export function catchUp(roomId: string, fromSeq?: number): Promise<void> {
  const running = catchingUp.get(roomId);
  const run = async () => {
    if (running) await running.catch(() => undefined);
    const tl = store.get().timelines[roomId];
    if (!tl || tl.status !== 'ready') return;
    let after = fromSeq ?? lastSeq(tl);
    for (let i = 0; i < 50; i++) {
      const page = await requireApi().listMessages(roomId, { afterSeq: after, limit: CATCH_UP_PAGE });
      merge(roomId, page.messages);
      if (!page.hasMore || page.messages.length === 0) break;
      after = page.messages[page.messages.length - 1].seq;
    }
    if (isViewing(roomId)) markRead(roomId);
  };
  const next = run().finally(() => {
    if (catchingUp.get(roomId) === next) catchingUp.delete(roomId);
  });
  catchingUp.set(roomId, next);
  return next;
}

/** Fetches any messages missing between the ones held. */
export async function fillGaps(roomId: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const tl = store.get().timelines[roomId];
    if (!tl) return;
    const gap = findGap(tl, acceptedHoles.get(roomId) ?? 0);
    if (gap === null) return;
    try {
      await catchUp(roomId, gap);
    } catch (err) {
      console.warn('[messages] gap fill failed', err);
      return;
    }
    const after = store.get().timelines[roomId];
    if (after && findGap(after, acceptedHoles.get(roomId) ?? 0) === gap) acceptedHoles.set(roomId, gap + 1);
  }
}

/** A `message.created` event (or any message learnt live). */
export function receiveLive(message: MessageView): void {
  const roomId = message.roomId;
  const tl = store.get().timelines[roomId];
  notePreview(message);
  countUnread(message);
  if (!tl || tl.status === 'error') return;

  const expected = lastSeq(tl) + 1;
  merge(roomId, [message]);
  if (tl.status === 'ready' && message.seq > expected) {
    catchUp(roomId, expected - 1)
      .then(() => fillGaps(roomId))
      .catch((err) => console.warn('[messages] catch-up failed', err));
  }
  if (isViewing(roomId)) markRead(roomId);
}

/** After a reconnect: everything missed in every room held in memory. */
export async function resyncTimelines(): Promise<void> {
  const { timelines } = store.get();
  await Promise.all(
    Object.entries(timelines).map(async ([roomId, tl]) => {
      try {
        if (tl.status === 'ready') await catchUp(roomId);
        else if (roomId === store.get().activeRoomId) await loadNewest(roomId);
      } catch (err) {
        console.warn('[messages] resync failed', roomId, err);
      }
    }),
  );
}

// ---- sending ----

const inFlight = new Set<string>();

export function sendMessage(roomId: string, content: string): void {
  const pending = {
    clientMsgId: uuid(),
    roomId,
    content,
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
    .request({ type: 'message.send', roomId, clientMsgId, content: p.content })
    .then((ack) => merge(roomId, [ack.message]))
    .catch((err: unknown) => {
      const tl = store.get().timelines[roomId];
      if (!tl || isStored(tl, clientMsgId, live.userId)) return;
      if (err instanceof FrameError && err.kind === 'disconnected') return; // resent after reconnect
      const message =
        err instanceof FrameError && err.kind === 'timeout' ? 'Not delivered (no answer)' : errorMessage(err);
      updateTimeline(roomId, (t) => patchPending(t, clientMsgId, { status: 'failed', error: message }));
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

/** After (re)connecting: send everything still waiting, oldest first. */
export function flushOutbox(): void {
  for (const [roomId, tl] of Object.entries(store.get().timelines)) {
    for (const p of tl.pending) if (p.status === 'pending') deliver(roomId, p.clientMsgId);
  }
}

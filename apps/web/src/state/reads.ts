import type { MessageView } from '@app/contracts/views';
import { api } from '../api/endpoints';
import { live, store } from './app';
import { applyRead } from './rooms';

/**
 * Marking rooms read. The list view reports when the reader sees the bottom of a room; after
 * half a second of that (scrolling past does not count) and only while the tab is visible, the
 * position goes to the server with a `read` frame (HTTP when the socket is down). The server
 * moves it forward only and tells my other devices.
 */

const READ_DEBOUNCE_MS = 500;
const timers = new Map<string, number>();

export function sawBottom(roomId: string, seq: number): void {
  if (seq <= 0 || document.visibilityState !== 'visible') return;
  const entry = store.get().rooms[roomId];
  if (!entry || (entry.lastReadSeq !== undefined && entry.lastReadSeq >= seq)) return;
  window.clearTimeout(timers.get(roomId));
  timers.set(
    roomId,
    window.setTimeout(() => flush(roomId, seq), READ_DEBOUNCE_MS),
  );
}

/** Scrolled away from the bottom (or left the room) before the debounce ran out. */
export function leftBottom(roomId: string): void {
  window.clearTimeout(timers.get(roomId));
  timers.delete(roomId);
}

function flush(roomId: string, seq: number): void {
  timers.delete(roomId);
  if (document.visibilityState !== 'visible' || !live.userId) return;
  const sent = live.socket?.signal({ type: 'read', roomId, seq }) ?? false;
  if (!sent) api.markRead(roomId, seq).catch((err) => console.warn('[reads] mark failed', err));
  applyRead(roomId, live.userId, seq);
}

export function cancelAllReads(): void {
  for (const t of timers.values()) window.clearTimeout(t);
  timers.clear();
}

/**
 * A message's sender has read the room up to it: the server moved their position when it stored
 * the message (writing in a room marks it read, on every device), and sends no event for it, so
 * every client moves it here from the message itself: my unread count, others' read receipts.
 */
export function readBySender(message: Pick<MessageView, 'roomId' | 'senderId' | 'seq' | 'kind'>): void {
  if (message.kind === 'system') {
    if (message.senderId === live.userId) readOwnNotice(message.roomId, message.seq);
    return;
  }
  applyRead(message.roomId, message.senderId, message.seq);
}

/**
 * A notice about something I did (a kick, a rename) is stored by the server without moving my
 * position (I may have done it from the member list, without reading the room): if I had read
 * everything before it, it is not news to me, and my position moves past it.
 */
function readOwnNotice(roomId: string, seq: number): void {
  const entry = store.get().rooms[roomId];
  if (!entry || entry.lastReadSeq === undefined || entry.lastReadSeq < seq - 1 || entry.lastReadSeq >= seq)
    return;
  const sent = live.socket?.signal({ type: 'read', roomId, seq }) ?? false;
  if (!sent) api.markRead(roomId, seq).catch(() => undefined);
  applyRead(roomId, live.userId, seq);
}

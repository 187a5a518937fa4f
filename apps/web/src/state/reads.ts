import type { MessageView } from '@app/contracts/views';
import { api } from '../api/endpoints';
import { live, store } from './app';
import { applyRead } from './rooms';

/**
 * Marking rooms read. The list view reports when the reader sees the bottom of a room; what has
 * been at the bottom for half a second (scrolling past does not count), while the tab is visible,
 * goes to the server with a `read` frame (HTTP when the socket is down). The server moves it
 * forward only and tells my other devices.
 *
 * A message arriving during the wait does not start it again: in a room busier than one message
 * per half second a restarted wait never ended, and nothing was marked read while the reader
 * watched. A wait ends with the newest seq shown that long, and what came since waits for the
 * next one. While a room is busy, reads go at most every two seconds: each costs the server a
 * lookup, a write and receipts, and every member watching a busy room sent one per message (a
 * quiet room's first read still goes after half a second).
 */

const READ_DWELL_MS = 500;
const READ_INTERVAL_MS = 2000;

interface Wait {
  /** At the bottom for the whole wait: it is read when the wait ends. */
  seq: number;
  /** The newest seq at the bottom, and since when: read too if shown long enough by then. */
  newest: number;
  newestAt: number;
  timer: number;
}

const waits = new Map<string, Wait>();
/** When each room's last read went out, for the interval of a busy room. */
const lastSent = new Map<string, number>();

export function sawBottom(roomId: string, seq: number): void {
  if (seq <= 0 || document.visibilityState !== 'visible') return;
  const entry = store.get().rooms[roomId];
  if (!entry || (entry.lastReadSeq !== undefined && entry.lastReadSeq >= seq)) return;
  const wait = waits.get(roomId);
  if (!wait) startWait(roomId, seq, performance.now());
  else if (seq > wait.newest) {
    wait.newest = seq;
    wait.newestAt = performance.now();
  }
}

function startWait(roomId: string, seq: number, shownSince: number): void {
  const due = Math.max(shownSince + READ_DWELL_MS, (lastSent.get(roomId) ?? -Infinity) + READ_INTERVAL_MS);
  const timer = window.setTimeout(() => endWait(roomId), Math.max(0, due - performance.now()));
  waits.set(roomId, { seq, newest: seq, newestAt: shownSince, timer });
}

function endWait(roomId: string): void {
  const wait = waits.get(roomId);
  waits.delete(roomId);
  if (!wait || document.visibilityState !== 'visible' || !live.userId) return;
  const now = performance.now();
  const upTo = now - wait.newestAt >= READ_DWELL_MS ? wait.newest : wait.seq;
  flush(roomId, upTo);
  lastSent.set(roomId, now);
  if (wait.newest > upTo) startWait(roomId, wait.newest, wait.newestAt);
}

/** Scrolled away from the bottom (or left the room) before the wait ran out. */
export function leftBottom(roomId: string): void {
  const wait = waits.get(roomId);
  if (wait) window.clearTimeout(wait.timer);
  waits.delete(roomId);
}

function flush(roomId: string, seq: number): void {
  if ((store.get().rooms[roomId]?.lastReadSeq ?? -1) >= seq) return;
  const sent = live.socket?.signal({ type: 'read', roomId, seq }) ?? false;
  if (!sent) api.markRead(roomId, seq).catch((err) => console.warn('[reads] mark failed', err));
  applyRead(roomId, live.userId, seq);
}

export function cancelAllReads(): void {
  for (const wait of waits.values()) window.clearTimeout(wait.timer);
  waits.clear();
  lastSent.clear();
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

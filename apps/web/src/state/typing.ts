import type { RoomTypingEvent } from '@app/contracts/realtime/events';
import { live, store } from './app';

/**
 * Typing indicators. Mine: `typing` active at most every 2 s while composing, inactive when the
 * text is sent or cleared. Others': shown for 6 s unless refreshed; my own user id (another
 * device of mine) is never shown.
 */

const SHOW_MS = 6_000;
const THROTTLE_MS = 2_000;
const lastSent = new Map<string, number>();
const expiryTimers = new Map<string, number>();

export function composing(roomId: string): void {
  const now = Date.now();
  if (now - (lastSent.get(roomId) ?? 0) < THROTTLE_MS) return;
  if (live.socket?.signal({ type: 'typing', roomId, active: true })) lastSent.set(roomId, now);
}

export function stoppedComposing(roomId: string): void {
  if (!lastSent.has(roomId)) return;
  lastSent.delete(roomId);
  live.socket?.signal({ type: 'typing', roomId, active: false });
}

function setTyping(roomId: string, userId: string, until: number | null): void {
  store.set((s) => {
    const room = { ...s.typing[roomId] };
    if (until === null) {
      if (!(userId in room)) return {};
      delete room[userId];
    } else room[userId] = until;
    return { typing: { ...s.typing, [roomId]: room } };
  });
}

export function onTyping(ev: RoomTypingEvent): void {
  if (ev.userId === live.userId) return;
  const key = `${ev.roomId}:${ev.userId}`;
  window.clearTimeout(expiryTimers.get(key));
  if (!ev.active) {
    expiryTimers.delete(key);
    setTyping(ev.roomId, ev.userId, null);
    return;
  }
  setTyping(ev.roomId, ev.userId, Date.now() + SHOW_MS);
  expiryTimers.set(
    key,
    window.setTimeout(() => {
      expiryTimers.delete(key);
      setTyping(ev.roomId, ev.userId, null);
    }, SHOW_MS),
  );
}

/** Their message arrived: they are no longer typing it. */
export function stopTypingOf(roomId: string, userId: string): void {
  const key = `${roomId}:${userId}`;
  if (!expiryTimers.has(key)) return;
  window.clearTimeout(expiryTimers.get(key));
  expiryTimers.delete(key);
  setTyping(roomId, userId, null);
}

export function resetTyping(): void {
  for (const t of expiryTimers.values()) window.clearTimeout(t);
  expiryTimers.clear();
  lastSent.clear();
}

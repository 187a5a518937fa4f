import type { PresenceChangedEvent } from '@app/contracts/presence/presence';
import { live, store } from './app';

/**
 * Presence. Others': from `GET /rooms/:id/presence` and `presence.changed`. Mine: this device is
 * `away` while the tab is hidden or nobody touched it for 5 minutes, `online` otherwise; told to
 * the server after every hello and on every change.
 */

const IDLE_MS = 5 * 60_000;
let idleTimer = 0;
let status: 'online' | 'away' = 'online';
let cleanup: (() => void) | null = null;

export function onPresenceChanged(ev: PresenceChangedEvent): void {
  store.set((s) => ({
    presence: { ...s.presence, [ev.userId]: { status: ev.status, lastSeenAt: ev.lastSeenAt } },
  }));
}

function setMine(next: 'online' | 'away', force = false): void {
  if (next === status && !force) return;
  status = next;
  live.socket?.signal({ type: 'presence', status: next });
}

function evaluate(): void {
  setMine(document.visibilityState === 'hidden' ? 'away' : 'online');
}

function activity(): void {
  window.clearTimeout(idleTimer);
  if (document.visibilityState !== 'hidden') setMine('online');
  idleTimer = window.setTimeout(() => setMine('away'), IDLE_MS);
}

/** After every hello: the new socket starts as online on the server; say what this device is. */
export function announcePresence(): void {
  const current = document.visibilityState === 'hidden' ? 'away' : status;
  if (current === 'away') setMine('away', true);
  else status = 'online';
}

export function startPresence(): void {
  stopPresence();
  status = 'online';
  const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
  let last = 0;
  // Throttled: a keystroke per 5 s is plenty to know someone is there.
  const onActivity = () => {
    const now = Date.now();
    if (now - last < 5_000 && status === 'online') return;
    last = now;
    activity();
  };
  for (const e of events) window.addEventListener(e, onActivity, { passive: true });
  document.addEventListener('visibilitychange', evaluate);
  activity();
  cleanup = () => {
    for (const e of events) window.removeEventListener(e, onActivity);
    document.removeEventListener('visibilitychange', evaluate);
    window.clearTimeout(idleTimer);
  };
}

export function stopPresence(): void {
  cleanup?.();
  cleanup = null;
}

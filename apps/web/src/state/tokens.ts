import { authApi } from '../api/endpoints';
import { ApiError, type AuthProvider } from '../api/http';
import { uuid } from '../lib/ids';
import { store } from './app';
import { parseSession, saveSession, SESSION_KEY, sessionFrom } from './session';
import type { Session } from './types';

/**
 * Keeping the session's tokens alive. Access tokens last minutes; a refresh token trades for a
 * new pair once. Two refreshes with the same refresh token look like a stolen token to the server,
 * which then revokes the whole session. So: one refresh at a time in this tab (single flight), one
 * at a time across this browser's tabs (a Web Lock, or a localStorage lease where locks are
 * missing), and whoever waited for the lock first looks whether another tab already refreshed.
 */

export type EndReason = 'expired' | 'revoked' | 'reused' | 'elsewhere';

interface Hooks {
  /** New tokens are in the store: move the socket over. */
  renewed(session: Session): void;
  ended(reason: EndReason): void;
}

const MIN_LEAD_MS = 5_000;
const MAX_LEAD_MS = 60_000;
const RETRY_MS = 10_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
const LOCK_NAME = 'happychat.refresh';
const LEASE_KEY = 'happychat.refresh-lease';
const LEASE_MS = 15_000;

let hooks: Hooks | null = null;
let timer = 0;
let inflight: Promise<Session | null> | null = null;

export function remainingMs(session: Session, now = Date.now()): number {
  const t = session.localExpiresAt ?? Date.parse(session.expiresAt);
  return Number.isFinite(t) ? t - now : Number.POSITIVE_INFINITY;
}

/** How long before expiry to refresh: a fifth of what is left, between 5 s and a minute. */
function leadMs(remaining: number): number {
  return Math.min(MAX_LEAD_MS, Math.max(MIN_LEAD_MS, remaining / 5));
}

function schedule(delayMs?: number): void {
  window.clearTimeout(timer);
  const session = store.get().session;
  if (!session || !hooks) return;
  const remaining = remainingMs(session);
  if (!Number.isFinite(remaining)) return;
  if (!session.refreshToken) {
    // Nothing to refresh with: the session ends with its token.
    timer = window.setTimeout(() => hooks?.ended('expired'), Math.min(Math.max(0, remaining), MAX_TIMER_MS));
    return;
  }
  // A little jitter so several tabs do not all reach for the lock in the same millisecond.
  const due = delayMs ?? Math.max(0, remaining - leadMs(remaining) - Math.random() * 2_000);
  timer = window.setTimeout(() => void refreshSession(), Math.min(due, MAX_TIMER_MS));
}

function adopt(next: Session): void {
  store.set({ session: next });
  schedule();
  hooks?.renewed(next);
}

function readStored(): Session | null {
  try {
    return parseSession(localStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => window.setTimeout(r, ms));

/** Where Web Locks are missing (plain http on a LAN address): a best-effort lease in localStorage. */
async function withLease<T>(fn: () => Promise<T>): Promise<T> {
  const me = uuid();
  const giveUpAt = Date.now() + LEASE_MS;
  const read = (): { owner: string; until: number } | null => {
    try {
      const v: unknown = JSON.parse(localStorage.getItem(LEASE_KEY) ?? 'null');
      return v && typeof v === 'object' ? (v as { owner: string; until: number }) : null;
    } catch {
      return null;
    }
  };
  while (Date.now() < giveUpAt) {
    const lease = read();
    if (!lease || lease.until < Date.now()) {
      try {
        localStorage.setItem(LEASE_KEY, JSON.stringify({ owner: me, until: Date.now() + LEASE_MS }));
      } catch {
        break;
      }
      await sleep(40);
      if (read()?.owner === me) break;
    }
    await sleep(100 + Math.random() * 150);
  }
  try {
    return await fn();
  } finally {
    if (read()?.owner === me) localStorage.removeItem(LEASE_KEY);
  }
}

function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (locks && typeof locks.request === 'function') return locks.request(LOCK_NAME, fn) as Promise<T>;
  return withLease(fn);
}

async function renewUnderLock(spent: string | undefined): Promise<Session | null> {
  const mine = store.get().session;
  if (!mine || !hooks) return null;
  // Storage is what every tab shares: if another tab refreshed while we waited, take its pair.
  const stored = readStored();
  const sameUser = stored?.user.id === mine.user.id;
  for (const candidate of [stored && sameUser ? stored : null, mine]) {
    if (candidate && candidate.refreshToken !== spent && remainingMs(candidate) > MIN_LEAD_MS) {
      if (candidate.accessToken !== mine.accessToken) adopt(candidate);
      return candidate;
    }
  }
  const refreshToken = (sameUser ? stored?.refreshToken : undefined) ?? mine.refreshToken;
  if (!refreshToken) {
    hooks.ended('expired');
    return null;
  }
  try {
    const result = await authApi.refresh(refreshToken);
    if (store.get().session?.user.id !== mine.user.id) return null; // signed out meanwhile
    const next = sessionFrom(result);
    saveSession(next);
    adopt(next);
    return next;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      hooks?.ended(err.code === 'auth.refresh_reused' ? 'reused' : 'revoked');
      return null;
    }
    // Network or server trouble: the session may be fine; try again soon.
    schedule(RETRY_MS);
    return null;
  }
}

/** One refresh at a time (in this tab and across tabs); callers share the one in flight. */
export function refreshSession(): Promise<Session | null> {
  if (!inflight) {
    // The refresh token this call means to trade: if, once we hold the lock, the session holds
    // another one, someone (another tab, or a storage event here) already refreshed.
    const spent = store.get().session?.refreshToken;
    inflight = withRefreshLock(() => renewUnderLock(spent)).finally(() => {
      inflight = null;
    });
  }
  return inflight;
}

const onWake = (): void => {
  const session = store.get().session;
  if (!session || document.visibilityState === 'hidden') return;
  // Timers sleep with the laptop: check on waking whether the token is (nearly) gone.
  if (remainingMs(session) < leadMs(remainingMs(session))) void refreshSession();
};

const onStorage = (e: StorageEvent): void => {
  if (e.key !== SESSION_KEY || !hooks) return;
  const current = store.get().session;
  if (!current) return;
  const next = parseSession(e.newValue);
  if (!next || next.user.id !== current.user.id) {
    hooks.ended('elsewhere');
  } else if (next.accessToken !== current.accessToken) {
    adopt(next); // another tab refreshed
  }
};

export const authProvider: AuthProvider = {
  async freshToken() {
    const session = store.get().session;
    if (!session) return null;
    if (session.refreshToken && remainingMs(session) < MIN_LEAD_MS) {
      const renewed = await refreshSession();
      return renewed?.accessToken ?? store.get().session?.accessToken ?? null;
    }
    return session.accessToken;
  },
  async refreshAfterExpiry() {
    const before = store.get().session?.accessToken;
    const renewed = await refreshSession();
    // Someone else's refresh may have finished first: any token newer than the refused one will do.
    const now = store.get().session?.accessToken;
    return renewed?.accessToken ?? (now && now !== before ? now : null);
  },
  sessionEnded(err) {
    hooks?.ended(err.code === 'auth.refresh_reused' ? 'reused' : 'revoked');
  },
};

export function startTokenCare(h: Hooks): void {
  hooks = h;
  schedule();
  document.addEventListener('visibilitychange', onWake);
  window.addEventListener('online', onWake);
  window.addEventListener('storage', onStorage);
  onWake();
}

export function stopTokenCare(): void {
  hooks = null;
  window.clearTimeout(timer);
  document.removeEventListener('visibilitychange', onWake);
  window.removeEventListener('online', onWake);
  window.removeEventListener('storage', onStorage);
}

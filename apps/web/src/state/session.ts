import type { Session } from './types';

/** The signed-in session survives reloads in localStorage. */

const KEY = 'happychat.session';

function isSession(value: unknown): value is Session {
  if (!value || typeof value !== 'object') return false;
  const s = value as Partial<Session>;
  return (
    typeof s.accessToken === 'string' &&
    typeof s.expiresAt === 'string' &&
    !!s.user &&
    typeof s.user.id === 'string' &&
    typeof s.user.username === 'string'
  );
}

export function isExpired(session: Session, now = Date.now()): boolean {
  const t = Date.parse(session.expiresAt);
  return Number.isFinite(t) && t <= now;
}

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    if (!isSession(parsed) || isExpired(parsed)) {
      localStorage.removeItem(KEY);
      return null;
    }
    return parsed;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    /* private mode: the session lasts until the tab closes */
  }
}

export function clearSession(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    /* ignore */
  }
}

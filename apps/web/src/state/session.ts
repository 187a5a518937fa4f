import type { AuthResultView } from '@app/contracts/views';
import type { Session } from './types';

/** The signed-in session survives reloads in localStorage (one per browser, shared by its tabs). */

export const SESSION_KEY = 'happychat.session';

function isSession(value: unknown): value is Session {
  if (!value || typeof value !== 'object') return false;
  const s = value as Partial<Session>;
  return (
    typeof s.accessToken === 'string' &&
    typeof s.expiresAt === 'string' &&
    (s.refreshToken === undefined || typeof s.refreshToken === 'string') &&
    !!s.user &&
    typeof s.user.id === 'string' &&
    typeof s.user.username === 'string'
  );
}

function passed(iso: string | undefined, now: number): boolean {
  if (!iso) return false;
  const t = Date.parse(iso);
  return Number.isFinite(t) && t <= now;
}

/** The access token's lifetime by the server's clock (`exp − iat`), if it says. */
function tokenLifetimeMs(jwt: string): number | undefined {
  try {
    const part = jwt.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { iat?: unknown; exp?: unknown };
    if (typeof claims.iat === 'number' && typeof claims.exp === 'number' && claims.exp > claims.iat)
      return (claims.exp - claims.iat) * 1000;
  } catch {
    /* not a JWT we can read: fall back to expiresAt */
  }
  return undefined;
}

/**
 * A session from a login, registration or refresh answer. Expiry is kept on this device's clock
 * too (received now + the token's lifetime), so a clock that is off does not make every token
 * look expired, or everlasting.
 */
export function sessionFrom(result: AuthResultView, now = Date.now()): Session {
  const lifetime = tokenLifetimeMs(result.accessToken);
  return {
    user: result.user,
    accessToken: result.accessToken,
    expiresAt: result.expiresAt,
    localExpiresAt: lifetime === undefined ? undefined : now + lifetime,
    refreshToken: result.refreshToken,
    refreshExpiresAt: result.refreshExpiresAt,
  };
}

/** Nothing left to use: the access token expired and there is no live refresh token. */
export function isDead(session: Session, now = Date.now()): boolean {
  const accessEnds = session.localExpiresAt ?? Date.parse(session.expiresAt);
  if (!(Number.isFinite(accessEnds) && accessEnds <= now)) return false;
  return !session.refreshToken || passed(session.refreshExpiresAt, now);
}

export function parseSession(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isSession(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function loadSession(): Session | null {
  try {
    const session = parseSession(localStorage.getItem(SESSION_KEY));
    if (!session || isDead(session)) {
      localStorage.removeItem(SESSION_KEY);
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  try {
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    /* private mode: the session lasts until the tab closes */
  }
}

export function clearSession(): void {
  try {
    localStorage.removeItem(SESSION_KEY);
  } catch {
    /* ignore */
  }
}

import { useSyncExternalStore } from 'react';

/**
 * Hash routes, so the gateway's SPA fallback is never even needed:
 * `#/`, `#/room/<id>`, `#/room/<id>/settings`, `#/join/<id>?token=<t>`, `#/friends`, `#/topics`,
 * `#/profile`, `#/search`, `#/admin`.
 */
export type Route =
  | { name: 'home' }
  | { name: 'room'; roomId: string }
  | { name: 'settings'; roomId: string }
  | { name: 'join'; roomId: string; token?: string }
  | { name: 'friends' }
  | { name: 'topics' }
  | { name: 'profile' }
  | { name: 'search' }
  | { name: 'admin' };

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?', 2);
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [head, id, tail] = parts;
  if (head === 'room' && id)
    return tail === 'settings' ? { name: 'settings', roomId: id } : { name: 'room', roomId: id };
  if (head === 'join' && id) {
    const token = new URLSearchParams(query).get('token') ?? undefined;
    return { name: 'join', roomId: id, token };
  }
  if (head === 'friends' || head === 'topics' || head === 'profile' || head === 'search' || head === 'admin')
    return { name: head };
  return { name: 'home' };
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'room':
      return `#/room/${encodeURIComponent(route.roomId)}`;
    case 'settings':
      return `#/room/${encodeURIComponent(route.roomId)}/settings`;
    case 'join':
      return `#/join/${encodeURIComponent(route.roomId)}${route.token ? `?token=${encodeURIComponent(route.token)}` : ''}`;
    default:
      return `#/${route.name}`;
  }
}

export function navigate(route: Route, replace = false): void {
  const hash = routeHash(route);
  if (window.location.hash === hash) return;
  if (replace) {
    window.history.replaceState(null, '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = hash;
  }
}

/** The shareable link for an invite-link token. */
export function inviteLink(roomId: string, token: string): string {
  return `${window.location.origin}/${routeHash({ name: 'join', roomId, token })}`;
}

/** Reads a pasted invite link (or `<room id> <token>`): the room id and the token, if any. */
export function parseInvite(input: string): { roomId: string; token?: string } | null {
  const text = input.trim();
  const hashAt = text.indexOf('#/join/');
  if (hashAt >= 0) {
    const route = parseHash(text.slice(hashAt));
    if (route.name === 'join') return { roomId: route.roomId, token: route.token };
  }
  const uuid = text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
  if (!uuid) return null;
  const rest = text.slice((uuid.index ?? 0) + uuid[0].length).trim();
  const token = rest.match(/^(?:\?token=|[\s,;:/]*)([A-Za-z0-9_-]{16,})$/)?.[1];
  return { roomId: uuid[0].toLowerCase(), token };
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

/** Route objects are cached by hash so the snapshot stays stable between renders. */
let cachedHash: string | null = null;
let cachedRoute: Route = { name: 'home' };

function snapshot(): Route {
  const hash = window.location.hash;
  if (hash !== cachedHash) {
    cachedHash = hash;
    cachedRoute = parseHash(hash);
  }
  return cachedRoute;
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

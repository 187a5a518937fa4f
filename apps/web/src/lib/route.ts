import { useSyncExternalStore } from 'react';

/** Hash routes, so the gateway's SPA fallback is never even needed: `#/`, `#/room/<id>`, `#/join/<id>`. */
export type Route = { name: 'home' } | { name: 'room'; roomId: string } | { name: 'join'; roomId: string };

export function parseHash(hash: string): Route {
  const match = hash.replace(/^#\/?/, '').match(/^(room|join)\/([^/?#]+)/);
  if (!match) return { name: 'home' };
  const roomId = decodeURIComponent(match[2]);
  return match[1] === 'join' ? { name: 'join', roomId } : { name: 'room', roomId };
}

export function routeHash(route: Route): string {
  return route.name === 'home' ? '#/' : `#/${route.name}/${encodeURIComponent(route.roomId)}`;
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

export function inviteLink(roomId: string): string {
  return `${window.location.origin}/#/join/${encodeURIComponent(roomId)}`;
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

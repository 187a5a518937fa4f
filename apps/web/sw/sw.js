/* Happy Chat service worker. Built by the `service-worker` plugin in apps/web/vite.config.ts,
 * which fills in the build's version and the app shell's files; served at /sw.js (scope /). */
/* eslint-disable */
'use strict';

const VERSION = '__HC_VERSION__';
const SHELL = __HC_SHELL__;
const CACHE = `happychat-shell-${VERSION}`;
const CACHE_PREFIX = 'happychat-shell-';
/** Never from a cache: the API, the socket, health and metrics are live or nothing. */
const LIVE = /^\/(api|ws|health|metrics)(\/|$)/;
/** How long a page load waits for the network before starting from the cached shell. */
const NAVIGATION_TIMEOUT_MS = 3000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' })));
      // The shell's files are content-hashed and index.html is fetched network-first, so a new
      // worker can take over at once: an open page keeps running the code it loaded.
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || LIVE.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigation(request));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});

/** Network first (a new build shows up on the next load), the cached shell when offline or slow. */
async function navigation(request) {
  const cache = await caches.open(CACHE);
  const network = fetch(request).then((res) => {
    if (res.ok && new URL(request.url).pathname === '/') void cache.put('/', res.clone());
    return res;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, NAVIGATION_TIMEOUT_MS));
  try {
    const res = await Promise.race([network, timeout]);
    if (res) return res;
  } catch {
    /* offline: fall through to the cache */
  }
  const cached = (await cache.match('/')) || (await cache.match('/index.html'));
  return cached || network;
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const res = await fetch(request);
  if (res.ok) void cache.put(request, res.clone());
  return res;
}

/** A push from the server (room service): a message arrived while no device was connected. */
self.addEventListener('push', (event) => {
  let data;
  try {
    data = event.data ? event.data.json() : null;
  } catch {
    data = null;
  }
  if (!data || data.kind !== 'message') return;
  event.waitUntil(
    (async () => {
      // A page of this app in the foreground already shows the message: stay quiet.
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      if (windows.some((c) => c.visibilityState === 'visible' && c.focused)) return;
      const title = data.roomName ? `${data.senderName} · ${data.roomName}` : data.senderName;
      await self.registration.showNotification(title || 'Happy Chat', {
        body: data.preview,
        tag: `room-${data.roomId}`,
        renotify: true,
        icon: '/icons/icon-192.png',
        badge: '/icons/badge-96.png',
        data: { roomId: data.roomId, messageId: data.messageId },
      });
    })(),
  );
});

/** Open the app at the room: focus a window of it if one exists, else open one. */
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const roomId = event.notification.data && event.notification.data.roomId;
  const target = new URL(roomId ? `/#/room/${encodeURIComponent(roomId)}` : '/', self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const existing = windows.find((c) => new URL(c.url).origin === self.location.origin);
      if (existing) {
        existing.postMessage({ type: 'open-room', roomId });
        return existing.focus();
      }
      return self.clients.openWindow(target);
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'version' && event.ports[0]) event.ports[0].postMessage(VERSION);
});

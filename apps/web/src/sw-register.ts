import { listenForWorkerMessages } from './state/notify';

/**
 * Registers the service worker (built into /sw.js; see apps/web/sw/sw.js) for the whole origin.
 * Only in a production build: the dev server has no /sw.js and should never be cached.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  listenForWorkerMessages();
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/', updateViaCache: 'none' })
      .catch((err: unknown) => console.warn('[sw] registration failed', err));
  });
}

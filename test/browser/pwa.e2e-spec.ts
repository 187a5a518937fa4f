import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { CHROMIUM_PATH, logIn, until, startBrowserSystem, stopBrowserSystem } from '../support/browser';
import { registerUser } from '../support/http';
import { createRoomWith, sendHttp } from '../support/rooms';
import { RunningSystem } from '../support/system';

const SHOTS = resolve(__dirname, '../../test-results/screenshots');

interface Manifest {
  name: string;
  short_name: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: Array<{ src: string; sizes: string; type: string; purpose: string }>;
}

/** Width and height from a PNG's IHDR chunk (null when the bytes are not a PNG). */
function pngSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * Spies installed before any page script: every notification the page shows (through the
 * Notification constructor or the service worker registration) is recorded, and the page's
 * visibility can be forced to hidden, as when the tab is in the background.
 */
const SPY = `
  window.__notes = [];
  window.__hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true,
    get() { return window.__hidden ? 'hidden' : 'visible'; },
  });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get() { return window.__hidden; } });
  const Original = window.Notification;
  if (Original) {
    const Spy = function (title, options) {
      window.__notes.push({ via: 'page', title, body: options && options.body, tag: options && options.tag });
      return new Original(title, options);
    };
    Spy.prototype = Original.prototype;
    Object.defineProperty(Spy, 'permission', { get: () => Original.permission });
    Spy.requestPermission = (...args) => Original.requestPermission(...args);
    window.Notification = Spy;
  }
  if (window.ServiceWorkerRegistration) {
    const show = ServiceWorkerRegistration.prototype.showNotification;
    ServiceWorkerRegistration.prototype.showNotification = function (title, options) {
      window.__notes.push({ via: 'worker', title, body: options && options.body, tag: options && options.tag });
      return show.call(this, title, options).catch(() => undefined);
    };
  }
`;

type Note = { via: string; title: string; body?: string; tag?: string };

describe('browser: installable app, service worker, notifications', () => {
  let sys: RunningSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ({ sys, browser } = await startBrowserSystem());
  }, 60_000);

  afterAll(() => stopBrowserSystem(sys, browser, contexts));

  const newContext = async (): Promise<BrowserContext> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    contexts.push(ctx);
    return ctx;
  };
  const controlled = (page: Page) => page.evaluate<boolean>('navigator.serviceWorker.controller !== null');

  it('links a valid manifest with PNG icons (any and maskable) and is installable', async () => {
    // A real profile: Chromium never offers to install from an incognito-like context.
    const profile = mkdtempSync(join(tmpdir(), 'hc-pwa-'));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
    contexts.push(ctx);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(sys.baseUrl);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBe('/manifest.webmanifest');
    const res = await fetch(`${sys.baseUrl}${href}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await res.json()) as Manifest;
    expect(manifest).toMatchObject({
      name: 'Happy Chat',
      short_name: 'Happy Chat',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      theme_color: '#4f46e5',
    });
    expect(await page.locator('meta[name="theme-color"]').getAttribute('content')).toBe(manifest.theme_color);
    for (const [size, purpose] of [
      [192, 'any'],
      [512, 'any'],
      [192, 'maskable'],
      [512, 'maskable'],
    ] as const) {
      const icon = manifest.icons.find((i) => i.sizes === `${size}x${size}` && i.purpose === purpose);
      expect(icon).toMatchObject({ type: 'image/png' });
      const png = await fetch(`${sys.baseUrl}${icon?.src}`);
      expect(png.status).toBe(200);
      expect(pngSize(Buffer.from(await png.arrayBuffer()))).toEqual({ width: size, height: size });
    }
    // Chromium's own verdict (what Lighthouse's installability audit reports): the manifest
    // parses without errors and nothing stands in the way of installing.
    const cdp = await page.context().newCDPSession(page);
    await until(async () => (await controlled(page)) || (await page.reload(), false), true);
    const parsed = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string };
    expect(parsed.errors).toEqual([]);
    expect(parsed.url).toBe(`${sys.baseUrl}/manifest.webmanifest`);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: Array<{ errorId: string }>;
    };
    expect(installabilityErrors).toEqual([]);
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }, 60_000);

  it('registers a service worker that controls the page, caches the shell, and starts offline', async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    await page.goto(sys.baseUrl);
    // The worker claims the page that registered it: no reload needed.
    await until(() => controlled(page), true, 15_000);
    const sw = await fetch(`${sys.baseUrl}/sw.js`);
    expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect(await page.evaluate<string>('navigator.serviceWorker.controller.scriptURL')).toBe(
      `${sys.baseUrl}/sw.js`,
    );

    // The shell is cached under this build's version; API answers never are.
    const user = await registerUser(sys.baseUrl, 'pwa_shell', 'Shell');
    await logIn(page, sys.baseUrl, user.username);
    const cached = await page.evaluate<{ names: string[]; urls: string[] }>(`(async () => {
      const names = await caches.keys();
      const urls = [];
      for (const name of names) for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
      return { names, urls };
    })()`);
    expect(cached.names).toHaveLength(1);
    expect(cached.names[0]).toMatch(/^happychat-shell-[0-9a-f]{16}$/);
    expect(cached.urls).toEqual(expect.arrayContaining(['/', '/manifest.webmanifest']));
    expect(cached.urls.some((u) => /^\/assets\/index-.+\.js$/.test(u))).toBe(true);
    expect(cached.urls.filter((u) => /^\/(api|ws)\//.test(u))).toEqual([]);

    // Offline: the app still starts from the cache (and says it is offline).
    await ctx.setOffline(true);
    await page.reload();
    await page.getByTestId('me-name').waitFor({ state: 'attached' });
    await page.getByTestId('offline-banner').waitFor();
    await ctx.setOffline(false);
  }, 60_000);

  it('with the tab hidden, a message from someone else shows a notification (never my own)', async () => {
    const alice = await registerUser(sys.baseUrl, 'pwa_alice', 'Alice');
    const bob = await registerUser(sys.baseUrl, 'pwa_bob', 'Bob');
    const roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'Weekend plans');
    const ctx = await newContext();
    await ctx.grantPermissions(['notifications'], { origin: sys.baseUrl });
    await ctx.addInitScript(SPY);
    const page = await ctx.newPage();
    await logIn(page, sys.baseUrl, bob.username);
    const notes = () => page.evaluate<Note[]>('window.__notes');

    // Nothing is asked or shown until Bob turns notifications on in his profile.
    await page.getByTestId('nav-profile').click();
    const toggle = page.getByTestId('notify-toggle');
    expect(await toggle.isChecked()).toBe(false);
    // This server has no VAPID keys: the push option is not offered.
    expect(await page.getByTestId('push-toggle').count()).toBe(0);
    await toggle.check();
    await until(() => toggle.isChecked(), true);
    await until(() => controlled(page), true, 15_000);
    mkdirSync(SHOTS, { recursive: true });
    await page
      .getByTestId('notification-settings')
      .screenshot({ path: join(SHOTS, 'profile-notifications.png') });

    // Visible tab: the message is on screen, no notification.
    await sendHttp(sys.baseUrl, alice, roomId, 'visible tab', 'pwa-1');
    // Hidden tab: Bob's own message (from another device) stays quiet, Alice's is shown.
    await page.evaluate("window.__hidden = true; document.dispatchEvent(new Event('visibilitychange'))");
    await sendHttp(sys.baseUrl, bob, roomId, 'from my phone', 'pwa-2');
    await sendHttp(sys.baseUrl, alice, roomId, 'Saturday at 10? 🏕️', 'pwa-3');
    await until(async () => (await notes()).length > 0, true);
    expect(await notes()).toEqual([
      { via: 'worker', title: 'Alice · Weekend plans', body: 'Saturday at 10? 🏕️', tag: `room-${roomId}` },
    ]);
  }, 60_000);
});

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { encodeRgbPng } from './images';
import { RunningSystem, startSystem } from './system';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The built web client (`npm run build:web`), which the gateway serves in browser tests. */
export const WEB_DIST = resolve(__dirname, '../../dist/web');

/** Debian's Chromium, headless; never a downloaded browser. `.ci/run` installs it when missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} not found: run 'apt-get install -y chromium' (scripts/ensure-services.sh does)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--no-first-run',
      '--disable-sync',
      '--disable-component-update',
    ],
  });
}

/** The whole system serving the built web client, and a Chromium to open it with. */
export async function startBrowserSystem(
  env: Record<string, string> = {},
): Promise<{ sys: RunningSystem; browser: Browser }> {
  const sys = await startSystem({ WEB_DIST_DIR: WEB_DIST, ...env });
  try {
    return { sys, browser: await launchChromium() };
  } catch (err) {
    await sys.stop();
    throw err;
  }
}

/** Close the contexts a test opened, the browser and the system, whatever of them started. */
export async function stopBrowserSystem(
  sys: RunningSystem | undefined,
  browser: Browser | undefined,
  contexts: BrowserContext[] = [],
): Promise<void> {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await sys?.stop();
}

export async function signUp(
  page: Page,
  baseUrl: string,
  username: string,
  displayName: string,
): Promise<void> {
  await page.goto(baseUrl);
  await page.getByTestId('auth-toggle').click();
  await page.getByTestId('auth-username').fill(username);
  await page.getByTestId('auth-displayname').fill(displayName);
  await page.getByTestId('auth-password').fill('correct horse battery staple');
  await page.getByTestId('auth-submit').click();
  await page.getByTestId('me-name').waitFor();
}

/** Log in through the form as a user registered with the standard test password. */
export async function logIn(page: Page, baseUrl: string, username: string, path = '/'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByTestId('auth-username').fill(username);
  await page.getByTestId('auth-password').fill('correct horse battery staple');
  await page.getByTestId('auth-submit').click();
  // Attached, not visible: on a phone an open room hides the sidebar that holds the name.
  await page.getByTestId('me-name').waitFor({ state: 'attached' });
}

/** Wait until `read` returns `expected` (compared as JSON), or fail saying what was last seen. */
export async function until<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`expected ${JSON.stringify(expected)}, last saw ${JSON.stringify(last)}`);
}

/** A small real PNG (a soft two-colour disc) for avatar uploads, made without an image library. */
export function makeAvatarPng(
  size: number,
  from: [number, number, number],
  to: [number, number, number],
): Buffer {
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - size / 2, y - size / 2) / (size / 2);
      const t = Math.min(1, (x + y) / (2 * size));
      const px = y * (size * 3 + 1) + 1 + x * 3;
      for (let i = 0; i < 3; i++) {
        const v = from[i] + (to[i] - from[i]) * t;
        raw[px + i] = Math.round(d < 0.62 ? 255 - (255 - v) * 0.25 : v);
      }
    }
  }
  return encodeRgbPng(size, size, raw);
}

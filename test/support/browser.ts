import { existsSync } from 'node:fs';
import { Browser, chromium, Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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

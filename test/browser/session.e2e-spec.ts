import { Browser, BrowserContext, Page } from 'playwright-core';
import { logIn, until, startBrowserSystem, stopBrowserSystem } from '../support/browser';
import { api, registerUser } from '../support/http';
import { createRoomWith } from '../support/rooms';
import { RunningSystem } from '../support/system';

/**
 * Access tokens last 15 minutes. Two tabs of one browser share the session; when the token nears
 * its end exactly one of them trades the refresh token (two trades of one refresh token would
 * look like theft and revoke the session), the other takes over the new pair, and both move
 * their sockets to it. A session revoked elsewhere sends the page back to the login screen.
 */
describe('browser: session tokens', () => {
  let sys: RunningSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ({ sys, browser } = await startBrowserSystem());
  }, 60_000);

  afterAll(() => stopBrowserSystem(sys, browser, contexts));

  // A string runs in the page (this file is compiled without the DOM types).
  const stored = async (page: Page) =>
    JSON.parse(
      (await page.evaluate<string | null>("localStorage.getItem('happychat.session')")) ?? 'null',
    ) as { accessToken: string; refreshToken: string } | null;

  it('two tabs near expiry: one refresh, both keep working on new sockets', async () => {
    const alice = await registerUser(sys.baseUrl, 'talice', 'Alice');
    const bob = await registerUser(sys.baseUrl, 'tbob', 'Bob');
    const roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'long day');

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    contexts.push(ctx);
    const refreshes: string[] = [];
    const sockets: string[] = [];
    ctx.on('request', (r) => {
      if (r.url().endsWith('/api/v1/auth/refresh')) refreshes.push(r.url());
    });
    const tab1 = await ctx.newPage();
    await tab1.clock.install();
    tab1.on('websocket', (ws) => sockets.push(`tab1 ${ws.url()}`));
    await logIn(tab1, sys.baseUrl, bob.username, `/#/room/${roomId}`);
    const tab2 = await ctx.newPage();
    await tab2.clock.install();
    await tab2.goto(`${sys.baseUrl}/#/room/${roomId}`);
    await until(() => tab2.getByTestId('room-title').innerText(), 'long day');
    await until(() => tab1.getByTestId('offline-banner').count(), 0);
    // The refresh token tells a refresh apart: it is random and used once. (An access token is
    // not: the server's clock is the real one, and a refresh in the second of the login signs
    // the same claims, so the same token.)
    const before = (await stored(tab1))?.refreshToken;
    const socketsBefore = sockets.length;

    // 14 minutes and a bit later (each tab's timers fire; the server's clock is the real one).
    await Promise.all([tab1.clock.fastForward('14:10'), tab2.clock.fastForward('14:10')]);
    await until(async () => (await stored(tab1))?.refreshToken !== before, true);
    await tab1.waitForTimeout(1000);
    expect(refreshes).toHaveLength(1);
    const after = (await stored(tab1))?.accessToken;
    expect((await stored(tab2))?.accessToken).toBe(after);
    // Tab 1 opened a socket with the new token (the old one closed after the new one said hello).
    await until(() => Promise.resolve(sockets.length > socketsBefore), true);

    // Still signed in, both tabs, and the session works on the server.
    for (const tab of [tab1, tab2]) expect(await tab.getByTestId('me-name').count()).toBe(1);
    const me = await api(sys.baseUrl, 'GET', '/api/v1/me', { token: after });
    expect(me.status).toBe(200);
    // And live: a message from tab 2 reaches tab 1.
    await tab2.getByTestId('composer-input').fill('still here');
    await tab2.getByTestId('composer-input').press('Enter');
    await tab1.getByTestId('message-content').filter({ hasText: 'still here' }).waitFor();
  }, 90_000);

  it('a session revoked from another device returns the page to the login screen', async () => {
    const carol = await registerUser(sys.baseUrl, 'tcarol', 'Carol');
    const ctx = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'en-US' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await logIn(page, sys.baseUrl, carol.username);
    await until(() => page.getByTestId('offline-banner').count(), 0);

    const revoked = await api<{ revoked: number }>(sys.baseUrl, 'POST', '/api/v1/me/sessions/revoke-others', {
      token: carol.token,
    });
    expect(revoked.body.revoked).toBe(1);
    await page.getByTestId('auth-username').waitFor();
    expect(await page.getByTestId('signed-out-reason').innerText()).toMatch(/signed out/i);
    expect(await stored(page)).toBeNull();
  });
});

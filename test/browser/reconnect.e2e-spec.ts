import { INestApplication } from '@nestjs/common';
import { resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { startGatewayService } from '../../apps/gateway/src';
import { launchChromium, logIn, until } from '../support/browser';
import { api, registerUser } from '../support/http';
import { createRoomWith, sendHttp } from '../support/rooms';
import { startSystem, RunningSystem } from '../support/system';

/**
 * The gateway a browser is connected to restarts (closed, then started again on the same port)
 * while the conversation goes on through a second gateway. The page shows it is offline, keeps
 * what was typed, comes back by itself, resyncs with one `sync` frame, and shows every message
 * exactly once; what it queued is stored exactly once.
 */
describe('browser: reconnect after the gateway restarts', () => {
  let sys: RunningSystem;
  let browser: Browser;
  let ctx: BrowserContext;
  let other: INestApplication;
  let restarted: INestApplication | undefined;

  beforeAll(async () => {
    sys = await startSystem({ WEB_DIST_DIR: resolve(__dirname, '../../dist/web') });
    other = await startGatewayService({ ...sys.env, HTTP_PORT: '0' });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await ctx?.close().catch(() => undefined);
    await browser?.close();
    await restarted?.close().catch(() => undefined);
    await other?.close().catch(() => undefined);
    await sys?.stop();
  });

  it('resumes without losing or duplicating anything', async () => {
    const otherUrl = (await other.getUrl()).replace('[::1]', '127.0.0.1');
    const alice = await registerUser(sys.baseUrl, 'ralice', 'Alice');
    const bob = await registerUser(sys.baseUrl, 'rbob', 'Bob');
    const roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'resilient');
    await sendHttp(sys.baseUrl, alice, roomId, 'before the restart', 'r-1');

    ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page: Page = await ctx.newPage();
    const frames: string[] = [];
    page.on('websocket', (ws) =>
      ws.on('framesent', (f) => {
        if (typeof f.payload === 'string') frames.push(f.payload);
      }),
    );
    await logIn(page, sys.baseUrl, bob.username, `/#/room/${roomId}`);
    await page.getByTestId('message-content').filter({ hasText: 'before the restart' }).waitFor();
    await until(() => page.getByTestId('offline-banner').count(), 0);

    const port = new URL(sys.baseUrl).port;
    await sys.apps.gateway.close();
    await page.getByTestId('offline-banner').waitFor();

    // Typed while offline: kept, and sent once the connection is back.
    await page.getByTestId('composer-input').fill('typed while offline');
    await page.getByTestId('composer-input').press('Enter');
    await page.locator('[data-testid="message"][data-status="pending"]').waitFor();
    // Meanwhile the conversation goes on through the other gateway.
    for (let i = 1; i <= 3; i++) await sendHttp(otherUrl, alice, roomId, `missed ${i}`, `r-m${i}`);

    const syncsBefore = frames.filter((f) => f.includes('"type":"sync"')).length;
    restarted = await startGatewayService({ ...sys.env, HTTP_PORT: port });
    await until(() => page.getByTestId('offline-banner').count(), 0, 30_000);

    const expected = ['before the restart', 'missed 1', 'missed 2', 'missed 3', 'typed while offline'];
    await until(() => page.getByTestId('message-content').allInnerTexts(), expected, 15_000);
    await until(() => page.locator('[data-testid="message"][data-status="sent"]').count(), 5);
    const seqs = await page
      .getByTestId('message')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(seqs).toEqual([1, 2, 3, 4, 5]);

    // The resync was one `sync` frame naming the room, not a series of HTTP pages.
    const syncs = frames.filter((f) => f.includes('"type":"sync"')).slice(syncsBefore);
    expect(syncs.length).toBe(1);
    expect(JSON.parse(syncs[0]).rooms).toEqual([{ roomId, afterSeq: 1 }]);

    // Stored once, however often it was offered.
    const history = await api<{ messages: Array<{ content: string }> }>(
      otherUrl,
      'GET',
      `/api/v1/rooms/${roomId}/messages`,
      { token: alice.token },
    );
    expect(history.body.messages.filter((m) => m.content === 'typed while offline')).toHaveLength(1);

    // And it keeps working live.
    await sendHttp(otherUrl, alice, roomId, 'after the restart', 'r-after');
    await page.getByTestId('message-content').filter({ hasText: 'after the restart' }).waitFor();

    // Away too long: more was said than a sync sends (RESYNC_MAX_MESSAGES), so the server answers
    // `reload` and the page loads the newest page instead, with no hole and nothing twice.
    await restarted.close();
    restarted = undefined;
    await page.getByTestId('offline-banner').waitFor();
    for (let i = 1; i <= 105; i++) await sendHttp(otherUrl, alice, roomId, `while away ${i}`, `r-a${i}`);
    const pages: string[] = [];
    page.on('request', (r) => {
      if (/\/messages(\?|$)/.test(r.url()) && r.method() === 'GET') pages.push(r.url());
    });
    restarted = await startGatewayService({ ...sys.env, HTTP_PORT: port, RESYNC_MAX_MESSAGES: '100' });
    await until(() => page.getByTestId('offline-banner').count(), 0, 30_000);
    await page
      .getByTestId('message-content')
      .filter({ hasText: 'while away 105' })
      .waitFor({ timeout: 15_000 });
    expect(pages.some((u) => !u.includes('Seq='))).toBe(true); // the newest page, no cursor
    const after = await page
      .getByTestId('message')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(after[after.length - 1]).toBe(111);
    expect(after).toEqual(Array.from({ length: after.length }, (_, i) => 112 - after.length + i));
  }, 150_000);
});

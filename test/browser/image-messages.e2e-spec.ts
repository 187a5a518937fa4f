import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { logIn, until, startBrowserSystem, stopBrowserSystem } from '../support/browser';
import { api, registerUser, TestUser } from '../support/http';
import { makeNoisePng, makePng } from '../support/images';
import { createRoomWith } from '../support/rooms';
import { RunningSystem } from '../support/system';

const SHOTS = resolve(__dirname, '../../test-results/screenshots');

type Msg = { kind: string; content: string; attachments?: Array<{ id: string }> };

/** Slow the page's uploads down (DevTools network emulation), so progress can be seen. */
async function throttleUploads(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
}

/** Image messages in the browser: attach, preview with upload progress, cancel, send, seen by the other. */
describe('browser: image messages', () => {
  let sys: RunningSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: TestUser;
  let minsu: TestUser;
  let roomId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ sys, browser } = await startBrowserSystem());
    const tag = Date.now().toString(36);
    [alice, minsu] = await Promise.all([
      registerUser(sys.baseUrl, `alice${tag}`, 'Alice'),
      registerUser(sys.baseUrl, `minsu${tag}`, '민수'),
    ]);
    roomId = await createRoomWith(sys.baseUrl, alice, [minsu], '사진방');
  }, 60_000);

  afterAll(() => stopBrowserSystem(sys, browser, contexts));

  const newPage = async (width: number, height: number): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width, height }, locale: 'ko-KR' });
    contexts.push(ctx);
    return ctx.newPage();
  };

  it('Alice attaches a photo, watches it upload, cancels another, sends with a caption; 민수 at 375 px sees and opens it', async () => {
    const a = await newPage(1280, 800);
    const m = await newPage(375, 740);
    await logIn(a, sys.baseUrl, alice.username, `/#/room/${roomId}`);
    await logIn(m, sys.baseUrl, minsu.username, `/#/room/${roomId}`);
    await a.getByTestId('composer-input').waitFor();
    await m.getByTestId('composer-input').waitFor();

    // ~390 KB at 200 KB/s: about two seconds of visible progress.
    await throttleUploads(a, 200 * 1024);
    const big = makeNoisePng(480, 320, 7);
    await a
      .getByTestId('attach-input')
      .setInputFiles({ name: '노을.png', mimeType: 'image/png', buffer: big });
    const preview = a.getByTestId('attachment-preview');
    await until(() => preview.count(), 1);
    await a.getByTestId('upload-progress').waitFor();
    await until(async () => {
      const now = Number(await a.getByTestId('upload-progress').getAttribute('aria-valuenow'));
      return now > 0 && now < 100;
    }, true);
    await a.screenshot({ path: resolve(SHOTS, 'image-upload-progress-desktop.png') });
    // Sending waits for the upload.
    expect(await a.getByTestId('composer-send').isDisabled()).toBe(true);
    await until(() => preview.first().getAttribute('data-status'), 'ready', 20_000);

    // A second image, cancelled while it is still on its way: nothing of it is sent.
    await a.getByTestId('attach-input').setInputFiles({
      name: 'oops.png',
      mimeType: 'image/png',
      buffer: makeNoisePng(300, 300, 9, 255),
    });
    await until(() => preview.count(), 2);
    await until(() => preview.nth(1).getAttribute('data-status'), 'uploading');
    await preview.nth(1).getByTestId('attachment-remove').click();
    await until(() => preview.count(), 1);

    // Not an image by its type: refused before uploading, with a message.
    await a.getByTestId('attach-input').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('hello'),
    });
    await a.getByTestId('toast').filter({ hasText: 'notes.txt' }).waitFor();
    expect(await preview.count()).toBe(1);

    await a.getByTestId('composer-input').fill('오늘 노을 🌅');
    await a.getByTestId('composer-input').press('Enter');
    await until(() => preview.count(), 0);

    // 민수 sees the picture (decoded, with the caption as its alt text) and the caption.
    const image = m.getByTestId('message-image').locator('img');
    await until(() => image.count(), 1, 15_000);
    await until(
      () =>
        image.evaluate((el) => (el as unknown as { complete: boolean; naturalWidth: number }).naturalWidth),
      480,
    );
    expect(await image.getAttribute('alt')).toBe('오늘 노을 🌅');
    await until(() => m.getByTestId('message-content').filter({ hasText: '오늘 노을' }).count(), 1);
    const box = await m.getByTestId('message-image').boundingBox();
    expect(box && box.width <= 375 && box.width > 100).toBe(true);
    await m.screenshot({ path: resolve(SHOTS, 'image-message-phone.png') });

    // Click to open it full size; Escape closes.
    await m.getByTestId('message-image').click();
    await m.getByTestId('image-viewer').waitFor();
    await m.screenshot({ path: resolve(SHOTS, 'image-viewer-phone.png') });
    await m.keyboard.press('Escape');
    await until(() => m.getByTestId('image-viewer').count(), 0);

    // Alice's own copy shows as sent, and the stored message has exactly one image.
    await until(() => a.locator('[data-testid="message"][data-status="sent"]').count(), 1);
    await a.getByTestId('message-image').locator('img').waitFor();
    await a.getByTestId('toast').getByRole('button').click();
    await a.screenshot({ path: resolve(SHOTS, 'image-message-desktop.png') });
    const page = await api<{ messages: Msg[] }>(sys.baseUrl, 'GET', `/api/v1/rooms/${roomId}/messages`, {
      token: minsu.token,
    });
    const images = page.body.messages.filter((x) => x.kind === 'image');
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ content: '오늘 노을 🌅' });
    expect(images[0].attachments).toHaveLength(1);
  }, 120_000);

  it('pasting an image into the composer attaches it; an image alone needs no caption', async () => {
    const m = await newPage(375, 740);
    await logIn(m, sys.baseUrl, minsu.username, `/#/room/${roomId}`);
    const input = m.getByTestId('composer-input');
    await input.waitFor();
    const png = makePng(64, 48, [80, 200, 120]).toString('base64');
    await input.evaluate((el, b64) => {
      // Browser globals, typed loosely: the tests compile without the DOM library.
      const g = globalThis as unknown as {
        DataTransfer: new () => { items: { add(f: unknown): void } };
        File: new (parts: unknown[], name: string, opts: { type: string }) => unknown;
        ClipboardEvent: new (type: string, init: Record<string, unknown>) => Event;
      };
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new g.DataTransfer();
      data.items.add(new g.File([bytes], 'clip.png', { type: 'image/png' }));
      el.dispatchEvent(
        new g.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, png);
    await until(() => m.getByTestId('attachment-preview').getAttribute('data-status'), 'ready');
    await m.getByTestId('composer-send').click();
    await until(
      () => m.locator('[data-testid="message"][data-status="sent"] [data-testid="message-image"]').count(),
      2,
    );
  }, 60_000);
});

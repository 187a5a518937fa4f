import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, signUp, until } from '../support/browser';
import { startSystem, RunningSystem } from '../support/system';

const SHOTS = resolve(__dirname, '../../test-results/screenshots');

/** Two people, two browser contexts, one message each way, seen live: the product as used. */
describe('browser: two people chat live', () => {
  let sys: RunningSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sys = await startSystem({ WEB_DIST_DIR: resolve(__dirname, '../../dist/web') });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await sys?.stop();
  });

  const newPage = async (width = 1280, height = 800): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width, height }, locale: 'ko-KR' });
    contexts.push(ctx);
    return ctx.newPage();
  };

  it('Alice and 민수 register, meet in a room and talk both ways', async () => {
    const alice = await newPage();
    const minsu = await newPage(375, 740);

    await signUp(alice, sys.baseUrl, 'alice', 'Alice');
    await alice.getByTestId('room-create-name').fill('행복한 채팅');
    await alice.getByTestId('room-create-submit').click();
    await until(() => alice.getByTestId('room-title').innerText(), '행복한 채팅');
    const roomId = (await alice.getByTestId('room-id').getAttribute('title')) ?? '';

    expect(roomId).toMatch(/^[0-9a-f-]{36}$/);

    await signUp(minsu, sys.baseUrl, 'minsu', '민수');
    await minsu.getByTestId('room-join-id').fill(roomId);
    await minsu.getByTestId('room-join-submit').click();
    await until(() => minsu.getByTestId('room-title').innerText(), '행복한 채팅');

    await alice.getByTestId('composer-input').fill('안녕하세요 👋');
    await alice.getByTestId('composer-input').press('Enter');
    const onMinsu = minsu.getByTestId('message-content').filter({ hasText: '안녕하세요 👋' });
    await until(() => onMinsu.count(), 1);
    await until(() => alice.locator('[data-testid="message"][data-status="sent"]').count(), 1);

    await minsu.getByTestId('composer-input').fill('반가워요! <img src=x onerror=alert(1)>');
    await minsu.getByTestId('composer-send').click();
    const onAlice = alice
      .getByTestId('message-content')
      .filter({ hasText: '반가워요! <img src=x onerror=alert(1)>' });
    await until(() => onAlice.count(), 1);
    // Shown as text: no element was injected.
    expect(await alice.locator('[data-testid="message-content"] img').count()).toBe(0);

    // Both see the conversation in the same order, each message once.
    for (const page of [alice, minsu]) {
      await until(() => page.getByTestId('message').count(), 2);
      const seqs = await page
        .getByTestId('message')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-seq')));
      expect(seqs).toEqual(['1', '2']);
    }

    await alice.screenshot({ path: join(SHOTS, 'chat-desktop.png') });
    await minsu.screenshot({ path: join(SHOTS, 'chat-phone.png') });
  });
});

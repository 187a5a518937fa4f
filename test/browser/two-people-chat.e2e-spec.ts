import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { signUp, until, startBrowserSystem, stopBrowserSystem, WEB_DIST } from '../support/browser';
import { api } from '../support/http';
import { RunningSystem } from '../support/system';

const SHOTS = resolve(__dirname, '../../test-results/screenshots');

/** Two people, two browser contexts, an invite link, one message each way, seen live. */
describe('browser: two people chat live', () => {
  let sys: RunningSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ sys, browser } = await startBrowserSystem());
  }, 60_000);

  afterAll(() => stopBrowserSystem(sys, browser, contexts));

  const newPage = async (width = 1280, height = 800): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width, height }, locale: 'ko-KR' });
    contexts.push(ctx);
    return ctx.newPage();
  };

  it('the bundle carries no server-side validation code (only types and constants from contracts)', () => {
    const maps = readdirSync(join(WEB_DIST, 'assets')).filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const f of maps) {
      const { sources } = JSON.parse(readFileSync(join(WEB_DIST, 'assets', f), 'utf8')) as {
        sources: string[];
      };
      expect(sources.filter((s) => /class-validator|class-transformer|reflect-metadata/.test(s))).toEqual([]);
    }
  });

  it('Alice creates a room and an invite link, 민수 pastes it, and they talk both ways', async () => {
    const alice = await newPage();
    const minsu = await newPage(375, 740);

    await signUp(alice, sys.baseUrl, 'alice', 'Alice');
    await alice.getByTestId('room-create-name').fill('행복한 채팅');
    await alice.getByTestId('room-create-submit').click();
    await until(() => alice.getByTestId('room-title').innerText(), '행복한 채팅');
    const roomId = (await alice.getByTestId('room-id').getAttribute('title')) ?? '';
    expect(roomId).toMatch(/^[0-9a-f-]{36}$/);

    // Group rooms are joined by invitation: the owner makes a link from the room header.
    await alice.getByTestId('invite-open').click();
    await alice.getByTestId('invite-link-create').click();
    const link = await alice.getByTestId('invite-link-value').inputValue();
    expect(link).toMatch(new RegExp(`^${sys.baseUrl}/#/join/${roomId}\\?token=[A-Za-z0-9_-]{20,}$`));
    await alice.keyboard.press('Escape');

    await signUp(minsu, sys.baseUrl, 'minsu', '민수');
    // Without the token, a group room stays closed.
    await minsu.getByTestId('room-join-id').fill(roomId);
    await minsu.getByTestId('room-join-submit').click();
    await minsu.getByRole('alert').filter({ hasText: '초대' }).waitFor();
    await minsu.getByTestId('room-join-id').fill(link);
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
    // Alice sees 민수 read her message (a read receipt), 민수 sees Alice online in the member list.
    await until(() => alice.getByTestId('read-receipt').getAttribute('data-count'), '1');

    await alice.screenshot({ path: join(SHOTS, 'chat-desktop.png') });
    await minsu.screenshot({ path: join(SHOTS, 'chat-phone.png') });

    // Logging out revokes the session on the server and returns to the login screen.
    await minsu.getByRole('link', { name: '뒤로' }).click();
    const { accessToken } = JSON.parse(
      (await minsu.evaluate<string | null>("localStorage.getItem('happychat.session')")) ?? '{}',
    ) as { accessToken: string };
    await minsu.getByTestId('logout').click();
    await minsu.getByTestId('auth-username').waitFor();
    expect(await minsu.evaluate<string | null>("localStorage.getItem('happychat.session')")).toBeNull();
    const after = await api<{ code: string }>(sys.baseUrl, 'GET', '/api/v1/me', { token: accessToken });
    expect([after.status, after.body.code]).toEqual([401, 'auth.session_revoked']);
  });
});

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { logIn, makeAvatarPng, until, startBrowserSystem, stopBrowserSystem } from '../support/browser';
import { api, registerUser, TestUser } from '../support/http';
import { createRoomWith, sendHttp } from '../support/rooms';
import { RunningSystem } from '../support/system';

const SHOTS = resolve(__dirname, '../../test-results/screenshots');
const PASSWORD = 'correct horse battery staple';

/**
 * Every main screen at desktop (1280×800, English) and phone (375×740, Korean) width, over a
 * lived-in scene built through the public API. Each screen must render its key parts; the
 * pictures land in test-results/screenshots (curated copies live in docs/screenshots).
 */
describe('browser: every main screen renders at desktop and phone width', () => {
  let sys: RunningSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: TestUser;
  let minsu: TestUser;
  let hikeRoom: string;
  let dmRoom: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ sys, browser } = await startBrowserSystem({ ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: PASSWORD }));

    const base = sys.baseUrl;
    const as = (u: TestUser) => ({ token: u.token });
    alice = await registerUser(base, 'alice', 'Alice Park');
    minsu = await registerUser(base, 'minsu', '김민수');
    const bob = await registerUser(base, 'bob', 'Bob Lee');
    const jiwoo = await registerUser(base, 'jiwoo', '지우');
    const admin = await api<{ accessToken: string }>(base, 'POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: PASSWORD },
    });
    for (const [name, description] of [
      ['K-드라마 수다', '이번 주 본 드라마 이야기'],
      ['Running club', 'Morning runs along the Han river'],
      ['Board games', 'Weekly game night planning'],
    ])
      await api(base, 'POST', '/api/v1/topics', {
        token: admin.body.accessToken,
        body: { name, description },
      });

    hikeRoom = await createRoomWith(base, alice, [minsu, bob, jiwoo], '주말 등산 ⛰️');
    const say = (u: TestUser, content: string, replyToId?: string) =>
      api<{ message: { id: string; seq: number } }>(base, 'POST', `/api/v1/rooms/${hikeRoom}/messages`, {
        ...as(u),
        body: { clientMsgId: `s-${Math.random()}`, content, replyToId },
      }).then((r) => r.body.message);
    await say(alice, 'Who is coming to Bukhansan on Saturday? 🥾');
    const m2 = await say(minsu, '저요! 8시에 구파발역에서 만나요 🙌');
    await say(bob, 'Count me in. Should we bring lunch?');
    await say(jiwoo, '김밥 싸갈게요 😋', m2.id);
    const m5 = await say(alice, 'Perfect — 8:00 at Gupabal station, exit 1.');
    for (const [u, emoji] of [
      [minsu, '👍'],
      [bob, '👍'],
      [jiwoo, '❤️'],
    ] as const)
      await api(
        base,
        'PUT',
        `/api/v1/rooms/${hikeRoom}/messages/${m5.id}/reactions/${encodeURIComponent(emoji)}`,
        as(u),
      );
    await api(base, 'POST', `/api/v1/rooms/${hikeRoom}/read`, { ...as(minsu), body: { seq: m5.seq } });
    await api(base, 'POST', `/api/v1/rooms/${hikeRoom}/read`, { ...as(bob), body: { seq: m5.seq } });

    const project = await createRoomWith(base, bob, [alice, minsu], 'Project Happy');
    await sendHttp(base, bob, project, 'Release notes are ready for review.', 'p-1');
    await sendHttp(base, minsu, project, '확인했어요. 배포는 내일 오전에 할까요?', 'p-2');
    await sendHttp(base, bob, project, 'Sounds good, congrats everyone 🎉', 'p-3');
    await api(base, 'POST', `/api/v1/rooms/${project}/members/${minsu.id}/mute`, {
      ...as(bob),
      body: { durationSeconds: 600 },
    });

    await api(base, 'POST', `/api/v1/friends/${minsu.id}/request`, as(alice));
    await api(base, 'POST', `/api/v1/friends/${alice.id}/accept`, as(minsu));
    await api(base, 'POST', `/api/v1/friends/${alice.id}/request`, as(jiwoo));
    const dm = await api<{ id: string }>(base, 'POST', `/api/v1/friends/${minsu.id}/dm`, as(alice));
    dmRoom = dm.body.id;
    await sendHttp(base, alice, dmRoom, 'Are you still coming tomorrow? 🥾', 'd-1');
    await sendHttp(base, minsu, dmRoom, '네! 내일 8시에 봐요 😊', 'd-2');
    await api(base, 'POST', `/api/v1/rooms/${dmRoom}/read`, { ...as(minsu), body: { seq: 2 } });
    await api(base, 'POST', `/api/v1/rooms/${dmRoom}/read`, { ...as(alice), body: { seq: 1 } });
    await api(base, 'POST', `/api/v1/rooms/${hikeRoom}/read`, { ...as(alice), body: { seq: 1 } });
    await api(base, 'PATCH', '/api/v1/me', { ...as(alice), body: { statusText: 'Hiking this weekend' } });
    for (const [u, from, to] of [
      [minsu, [255, 138, 101], [236, 72, 153]],
      [jiwoo, [52, 211, 153], [59, 130, 246]],
    ] as const) {
      const res = await fetch(`${base}/api/v1/me/avatar`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${u.token}`, 'content-type': 'image/png' },
        body: makeAvatarPng(96, [...from], [...to]),
      });
      expect(res.status).toBe(200);
    }
  }, 90_000);

  afterAll(() => stopBrowserSystem(sys, browser, contexts));

  const sizes = [
    { tag: 'desktop', width: 1280, height: 800, locale: 'en-US' },
    { tag: 'phone', width: 375, height: 740, locale: 'ko-KR' },
  ] as const;

  async function pageFor(size: (typeof sizes)[number]): Promise<Page> {
    const ctx = await browser.newContext({
      viewport: { width: size.width, height: size.height },
      locale: size.locale,
      reducedMotion: 'reduce',
      colorScheme: 'light',
    });
    contexts.push(ctx);
    return ctx.newPage();
  }

  const shot = (page: Page, name: string, tag: string) =>
    page.screenshot({ path: join(SHOTS, `${name}-${tag}.png`), animations: 'disabled', caret: 'initial' });

  for (const size of sizes) {
    it(`${size.tag}: login, chats, room, invite, settings, friends, topics, profile`, async () => {
      const signedOut = await pageFor(size);
      await signedOut.goto(sys.baseUrl);
      await signedOut.getByTestId('auth-username').waitFor();
      await shot(signedOut, 'login', size.tag);

      const page = await pageFor(size);
      const who = size.tag === 'desktop' ? alice : minsu;
      await logIn(page, sys.baseUrl, who.username);
      await until(() => page.getByTestId('room-item').count(), 3);
      await page.waitForTimeout(400);
      await shot(page, 'chats', size.tag);

      await page.goto(`${sys.baseUrl}/#/room/${hikeRoom}`);
      await until(() => page.getByTestId('message').count(), 5);
      await page.getByTestId('reaction').first().waitFor();
      if (size.tag === 'desktop') await page.getByTestId('read-receipt').waitFor();
      await page.getByTestId('composer-input').fill(size.tag === 'desktop' ? 'See you there!' : '좋아요');
      await page.waitForTimeout(300);
      await shot(page, 'room', size.tag);

      if (size.tag === 'desktop') {
        await page.getByTestId('invite-open').click();
        await page.getByTestId('invite-link-create').click();
        await page.getByTestId('invite-link-value').waitFor();
        await page.getByTestId('invite-search').fill('ji');
        await page.getByTestId('invite-result').first().waitFor();
        await shot(page, 'invite', size.tag);
        await page.keyboard.press('Escape');
        await page.goto(`${sys.baseUrl}/#/room/${hikeRoom}/settings`);
        await page.getByTestId('settings-member').first().waitFor();
        await page.waitForTimeout(300);
        await shot(page, 'settings', size.tag);
      } else {
        // The owner's tools at phone width, in a tab of its own.
        const owner = await pageFor(size);
        await logIn(owner, sys.baseUrl, alice.username, `/#/room/${hikeRoom}/settings`);
        await owner.getByTestId('settings-member').nth(3).waitFor();
        await shot(owner, 'settings', size.tag);
        await owner.goto(`${sys.baseUrl}/#/room/${hikeRoom}`);
        await owner.getByTestId('invite-open').click();
        await owner.getByTestId('invite-link-create').click();
        await owner.getByTestId('invite-link-value').waitFor();
        await shot(owner, 'invite', size.tag);

        await page.getByTestId('message').first().hover();
        await page.getByTestId('message-actions').nth(1).click();
        await page.getByTestId('action-menu').waitFor();
        await shot(page, 'message-actions', size.tag);
        await page.keyboard.press('Escape');
        await page.goto(`${sys.baseUrl}/#/room/${dmRoom}`);
        await until(() => page.getByTestId('message').count(), 2);
        await page.getByTestId('emoji-toggle').click();
        await page.getByTestId('emoji-picker').waitFor();
        await shot(page, 'direct', size.tag);
      }

      await page.goto(`${sys.baseUrl}/#/friends`);
      await page.getByTestId('friends-list').waitFor();
      await page.getByTestId('friend').first().waitFor();
      await shot(page, 'friends', size.tag);

      await page.goto(`${sys.baseUrl}/#/topics`);
      await until(() => page.getByTestId('topic').count(), 3);
      await shot(page, 'topics', size.tag);

      await page.goto(`${sys.baseUrl}/#/profile`);
      await page.getByTestId('session').first().waitFor();
      if (size.tag === 'desktop') {
        // A picture, chosen, previewed, uploaded: the sidebar shows it.
        await page.getByTestId('avatar-file').setInputFiles({
          name: 'me.png',
          mimeType: 'image/png',
          buffer: makeAvatarPng(128, [129, 140, 248], [79, 70, 229]),
        });
        await page.getByTestId('avatar-upload').click();
        await page.locator('.sidebar-header .avatar img').waitFor();
      }
      await shot(page, 'profile', size.tag);
    }, 90_000);
  }
});

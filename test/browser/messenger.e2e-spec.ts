import { readFileSync } from 'node:fs';

import { Browser, BrowserContext, Page } from 'playwright-core';
import { logIn, until, startBrowserSystem, stopBrowserSystem } from '../support/browser';
import { api, registerUser } from '../support/http';
import { createRoomWith, sendHttp } from '../support/rooms';
import { RunningSystem } from '../support/system';

/**
 * The messenger in a browser against the real system: history, unread counts from the server,
 * invitations, moderation, and message operations, each seen the way a person sees them.
 */
describe('browser: messenger', () => {
  let sys: RunningSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let n = 0;

  beforeAll(async () => {
    ({ sys, browser } = await startBrowserSystem({
      ADMIN_USERNAME: 'siteadmin',
      ADMIN_PASSWORD: 'correct horse battery staple',
    }));
  }, 60_000);

  afterAll(() => stopBrowserSystem(sys, browser, contexts));

  const newPage = async (width = 1280, height = 800, locale = 'en-US'): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width, height }, locale, acceptDownloads: true });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('dialog', (d) => void d.accept());
    return page;
  };
  const user = (name: string, displayName = name) => registerUser(sys.baseUrl, `${name}${++n}`, displayName);
  const seqsOf = (page: Page) =>
    page
      .locator('[data-testid="message"], [data-testid="system-message"]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));

  it('scrolling up loads older messages, page by page, each once and in order', async () => {
    const owner = await user('hist');
    const roomId = await createRoomWith(sys.baseUrl, owner, [], 'long history');
    for (let i = 1; i <= 130; i++)
      await sendHttp(sys.baseUrl, owner, roomId, `message number ${i}`, `h-${i}`);

    const page = await newPage(1280, 800);
    await logIn(page, sys.baseUrl, owner.username, `/#/room/${roomId}`);
    await until(() => page.locator('[data-testid="message"][data-seq="130"]').count(), 1);
    const first = await seqsOf(page);
    expect(first.length).toBeLessThan(130); // not everything at once

    const list = page.getByTestId('message-list');
    for (
      let i = 0;
      i < 20 && (await page.locator('[data-testid="message"][data-seq="1"]').count()) === 0;
      i++
    ) {
      await list.evaluate((el) => el.scrollTo({ top: 0 }));
      await page.waitForTimeout(300);
    }
    await page.getByTestId('history-start').waitFor();
    const seqs = await seqsOf(page);
    expect(seqs).toEqual(Array.from({ length: 130 }, (_, i) => i + 1));
  });

  it('an unread badge appears for messages elsewhere and clears once the room is read (server-side)', async () => {
    const alice = await user('ualice', 'Alice');
    const bob = await user('ubob', 'Bob');
    const roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'unread room');
    await sendHttp(sys.baseUrl, alice, roomId, 'before', 'u-0');

    const page = await newPage(375, 740);
    await logIn(page, sys.baseUrl, bob.username);
    const item = page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);
    await until(() => item.getByTestId('unread-badge').innerText(), '1');
    for (let i = 1; i <= 3; i++) await sendHttp(sys.baseUrl, alice, roomId, `news ${i}`, `u-${i}`);
    await until(() => item.getByTestId('unread-badge').innerText(), '4');
    await until(() => page.title(), '(4) Happy Chat');

    await item.click();
    await until(() => page.locator('[data-testid="message"]').count(), 4);
    await page.getByTestId('new-divider').waitFor();
    // Read once the bottom was seen: the server holds Bob's position.
    const reads = async () => {
      const res = await api<{ positions: Array<{ userId: string; lastReadSeq: number }> }>(
        sys.baseUrl,
        'GET',
        `/api/v1/rooms/${roomId}/reads`,
        { token: bob.token },
      );
      return res.body.positions.find((p) => p.userId === bob.id)?.lastReadSeq;
    };
    await until(reads, 4);
    await page.getByRole('link', { name: 'Back' }).click();
    await until(() => item.getByTestId('unread-badge').count(), 0);
    await until(() => page.title(), 'Happy Chat');
    // After a reload the count still comes from the server: nothing unread.
    await page.reload();
    await page.getByTestId('room-item').first().waitFor();
    await page.waitForTimeout(500);
    expect(await item.getByTestId('unread-badge').count()).toBe(0);
    // Read on another device: the badge here clears without opening the room.
    await sendHttp(sys.baseUrl, alice, roomId, 'one more', 'u-5');
    await until(() => item.getByTestId('unread-badge').innerText(), '1');
    await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/read`, { token: bob.token, body: { seq: 5 } });
    await until(() => item.getByTestId('unread-badge').count(), 0);

    // Writing in a room marks it read on every device (Slack, Discord): Bob answers Alice's news
    // from his phone, and neither his own message nor hers count here, now or after a reload.
    await sendHttp(sys.baseUrl, alice, roomId, 'six', 'u-6');
    await until(() => item.getByTestId('unread-badge').innerText(), '1');
    await sendHttp(sys.baseUrl, bob, roomId, 'on my way 🏃', 'u-7');
    await until(() => item.getByTestId('unread-badge').count(), 0);
    await until(reads, 7);
    await page.reload();
    await page.getByTestId('room-item').first().waitFor();
    await page.waitForTimeout(500);
    expect(await item.getByTestId('unread-badge').count()).toBe(0);

    // The same rule gives read receipts without an event of their own: once the room's positions
    // are loaded, Alice's answer from elsewhere shows that she has read Bob's message.
    const positionsLoaded = page.waitForResponse((r) => r.url().endsWith(`/rooms/${roomId}/reads`));
    await item.click();
    await positionsLoaded;
    await until(() => page.locator('[data-testid="message"]').count(), 7);
    expect(await page.getByTestId('read-receipt').count()).toBe(0);
    await sendHttp(sys.baseUrl, alice, roomId, 'great', 'u-8');
    await until(() => page.getByTestId('read-receipt').getAttribute('data-count'), '1');
  });

  it('a room busier than one message per half second is marked read while one watches it', async () => {
    const alice = await user('busya', 'Alice');
    const bob = await user('busyb', 'Bob');
    const roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'busy room');
    await sendHttp(sys.baseUrl, alice, roomId, 'first', 'b-0');
    const page = await newPage(1280, 800);
    await logIn(page, sys.baseUrl, bob.username, `/#/room/${roomId}`);
    await until(() => page.locator('[data-testid="message"]').count(), 1);
    const bobsPosition = async () => {
      const res = await api<{ positions: Array<{ userId: string; lastReadSeq: number }> }>(
        sys.baseUrl,
        'GET',
        `/api/v1/rooms/${roomId}/reads`,
        { token: bob.token },
      );
      return res.body.positions.find((p) => p.userId === bob.id)?.lastReadSeq ?? 0;
    };
    await until(bobsPosition, 1);

    // A message every 150 ms for 6 s: a wait that restarted with each message never ended.
    let streaming = true;
    const stream = (async () => {
      for (let i = 1; i <= 40; i++) {
        await sendHttp(sys.baseUrl, alice, roomId, `busy ${i}`, `b-${i}`);
        await new Promise((r) => setTimeout(r, 150));
      }
      streaming = false;
    })();
    try {
      await until(async () => (await bobsPosition()) >= 5, true);
      expect(streaming).toBe(true);
    } finally {
      await stream;
    }
    await until(bobsPosition, 41);
  });

  it('an invitation by name shows live in the sidebar and accepting it opens the room', async () => {
    const owner = await user('iowner', 'Owner');
    const guestUser = await user('invitee', 'Invitee Kim');
    const ownerPage = await newPage();
    const inviteePage = await newPage(375, 740, 'ko-KR');
    await logIn(inviteePage, sys.baseUrl, guestUser.username);
    await logIn(ownerPage, sys.baseUrl, owner.username);
    await ownerPage.getByTestId('room-create-name').fill('invite by name');
    await ownerPage.getByTestId('room-create-submit').click();
    await until(() => ownerPage.getByTestId('room-title').innerText(), 'invite by name');

    await ownerPage.getByTestId('invite-open').click();
    await ownerPage.getByTestId('invite-search').fill('Invitee');
    await ownerPage.getByTestId('invite-user').click();
    await ownerPage.getByTestId('invite-sent').waitFor();

    const invite = inviteePage.getByTestId('invite');
    await invite.waitFor();
    await invite.getByTestId('invite-accept').click();
    await until(() => inviteePage.getByTestId('room-title').innerText(), 'invite by name');
    await until(() => inviteePage.getByTestId('invite').count(), 0);
    // The owner sees the newcomer join.
    await until(
      () =>
        ownerPage
          .getByTestId('members-toggle')
          .innerText()
          .then((s) => s.startsWith('2 members')),
      true,
    );
  });

  it('a kicked member sees the room close; the room announces it', async () => {
    const alice = await user('kalice', 'Alice');
    const bob = await user('kbob', 'Bob');
    const roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'moderated');
    const alicePage = await newPage();
    const bobPage = await newPage(375, 740);
    await logIn(bobPage, sys.baseUrl, bob.username, `/#/room/${roomId}`);
    await until(() => bobPage.getByTestId('room-title').innerText(), 'moderated');
    await logIn(alicePage, sys.baseUrl, alice.username, `/#/room/${roomId}/settings`);

    const row = alicePage.locator(`[data-testid="settings-member"][data-user-id="${bob.id}"]`);
    await row.getByTestId('member-kick').click();

    // The owner's export arrives as a zip download (fetched with the token, handed over as a file).
    const [download] = await Promise.all([
      alicePage.waitForEvent('download'),
      alicePage.getByTestId('room-export').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const zipPath = await download.path();
    expect(zipPath && readFileSync(zipPath).subarray(0, 2).toString('latin1')).toBe('PK');

    await bobPage.getByTestId('room-closed').waitFor();
    expect(await bobPage.getByTestId('room-closed').getAttribute('data-reason')).toBe('kicked');
    expect(await bobPage.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).count()).toBe(0);
    expect(await bobPage.getByTestId('composer-input').count()).toBe(0);

    await alicePage.goto(`${sys.baseUrl}/#/room/${roomId}`);
    await alicePage
      .getByTestId('system-message')
      .filter({ hasText: 'Alice removed Bob from the room' })
      .waitFor();
  });

  it('typing, presence, replies, reactions, edits, deletes and a special-word effect, live on both sides', async () => {
    const alice = await user('oalice', 'Alice');
    const bob = await user('obob', 'Bob');
    const roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'operations');
    const alicePage = await newPage();
    const bobPage = await newPage();
    await logIn(alicePage, sys.baseUrl, alice.username, `/#/room/${roomId}`);
    await logIn(bobPage, sys.baseUrl, bob.username, `/#/room/${roomId}`);
    await until(() => bobPage.getByTestId('room-title').innerText(), 'operations');
    await until(() => alicePage.getByTestId('offline-banner').count(), 0);

    // Presence: Bob sees Alice online in the member list.
    await bobPage.getByTestId('members-toggle').click();
    const aliceDot = bobPage.locator(
      `[data-testid="member"][data-user-id="${alice.id}"] [data-testid="presence-dot"]`,
    );
    await until(() => aliceDot.getAttribute('data-status'), 'online');
    await bobPage.keyboard.press('Escape');

    await bobPage.getByTestId('composer-input').fill('hello there');
    await bobPage.getByTestId('composer-input').press('Enter');
    const bobsOnAlice = alicePage.locator(`[data-testid="message"][data-sender-id="${bob.id}"]`);
    await bobsOnAlice.waitFor();

    // Typing: Bob sees Alice compose, and the line goes when she sends.
    await alicePage.getByTestId('composer-input').fill('thinking');
    await until(() => bobPage.getByTestId('typing-line').innerText(), 'Alice is typing…');
    await alicePage.getByTestId('composer-input').fill('');
    await until(() => bobPage.getByTestId('typing-line').innerText(), '');

    // Reply: Bob sees the quote.
    await bobsOnAlice.getByTestId('message-actions').click();
    await alicePage.getByTestId('action-reply').click();
    await alicePage.getByTestId('composer-reply').waitFor();
    await alicePage.getByTestId('composer-input').fill('an answer');
    await alicePage.getByTestId('composer-input').press('Enter');
    const answer = bobPage.getByTestId('message').filter({ hasText: 'an answer' });
    await until(
      () =>
        answer
          .getByTestId('reply-quote')
          .innerText()
          .then((s) => s.includes('hello there')),
      true,
    );

    // Reactions: counts live, mine highlighted.
    await bobsOnAlice.getByTestId('message-actions').click();
    await alicePage.locator('[data-testid="quick-reaction"][data-emoji="👍"]').click();
    const bobsOwn = bobPage.locator(`[data-testid="message"][data-sender-id="${bob.id}"]`);
    const thumbOnBob = bobsOwn.locator('[data-testid="reaction"][data-emoji="👍"]');
    await until(() => thumbOnBob.getAttribute('data-count'), '1');
    expect(await thumbOnBob.getAttribute('aria-pressed')).toBe('false');
    await thumbOnBob.click();
    const thumbOnAlice = bobsOnAlice.locator('[data-testid="reaction"][data-emoji="👍"]');
    await until(() => thumbOnAlice.getAttribute('data-count'), '2');
    expect(await thumbOnAlice.getAttribute('aria-pressed')).toBe('true');
    await until(() => thumbOnBob.getAttribute('aria-pressed'), 'true');

    // Edit (own message): the other side sees the new text, marked edited.
    await bobsOwn.getByTestId('message-actions').click();
    await bobPage.getByTestId('action-edit').click();
    await bobPage.getByTestId('edit-input').fill('hello there, edited');
    await bobPage.getByTestId('edit-input').press('Enter');
    await until(() => bobsOnAlice.getByTestId('message-content').innerText(), 'hello there, edited');
    await bobsOnAlice.getByTestId('message-edited').waitFor();

    // Delete (own message): a tombstone on both sides, same seq.
    const seq = await bobsOnAlice.getAttribute('data-seq');
    await bobsOwn.getByTestId('message-actions').click();
    await bobPage.getByTestId('action-delete').click();
    const tombstone = alicePage.locator(
      `[data-testid="message"][data-seq="${seq}"] [data-testid="message-content"]`,
    );
    await until(() => tombstone.innerText(), 'message deleted');
    expect(
      await alicePage.locator(`[data-testid="message"][data-seq="${seq}"] [data-testid="reaction"]`).count(),
    ).toBe(0);

    // Presence follows the tab: hidden means away, visible again means online.
    const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
      page.evaluate(
        `Object.defineProperty(document, 'visibilityState', { value: '${state}', configurable: true });` +
          `document.dispatchEvent(new Event('visibilitychange'))`,
      );
    await bobPage.getByTestId('members-toggle').click();
    await setVisibility(alicePage, 'hidden');
    await until(() => aliceDot.getAttribute('data-status'), 'away');
    await setVisibility(alicePage, 'visible');
    await until(() => aliceDot.getAttribute('data-status'), 'online');
    await bobPage.keyboard.press('Escape');

    // A special word: the effect plays for the new live message on the other side.
    await alicePage.getByTestId('composer-input').fill('congrats on the launch!');
    await alicePage.getByTestId('composer-input').press('Enter');
    await bobPage.locator('[data-testid="effects-overlay"] [data-effect="confetti"]').waitFor();
  }, 60_000);

  it('friends: a request found by name, accepted live, then a direct chat that shows up on both sides', async () => {
    const carol = await user('fcarol', 'Carol');
    const dave = await user('fdave', 'Dave Kim');
    const carolPage = await newPage();
    const davePage = await newPage(375, 740, 'ko-KR');
    await logIn(carolPage, sys.baseUrl, carol.username, '/#/friends');
    await logIn(davePage, sys.baseUrl, dave.username, '/#/friends');

    await carolPage.getByTestId('friend-search').fill('Dave');
    await carolPage
      .locator(`[data-testid="friend-result"][data-user-id="${dave.id}"]`)
      .getByTestId('friend-request')
      .click();
    const request = davePage.locator(
      `[data-testid="friend"][data-user-id="${carol.id}"][data-state="incoming"]`,
    );
    await request.waitFor();
    await request.getByTestId('friend-accept').click();

    const friend = carolPage.locator(
      `[data-testid="friend"][data-user-id="${dave.id}"][data-state="friends"]`,
    );
    await friend.waitFor();
    await friend.getByTestId('friend-dm').click();
    await until(() => carolPage.getByTestId('room-title').innerText(), 'Dave Kim');
    await carolPage.getByTestId('composer-input').fill('hi Dave!');
    await carolPage.getByTestId('composer-input').press('Enter');

    const dm = davePage.locator('[data-testid="room-item"][data-kind="direct"]');
    await davePage.getByRole('link', { name: '뒤로' }).click();
    await until(() => dm.locator('.room-item-name').innerText(), 'Carol');
    await until(() => dm.getByTestId('unread-badge').innerText(), '1');
    await until(() => dm.getByTestId('presence-dot').getAttribute('data-status'), 'online');

    // A status line set on the profile screen shows under the name.
    await carolPage.getByTestId('nav-profile').click();
    await carolPage.getByTestId('profile-status').fill('At the café ☕');
    await carolPage.getByTestId('profile-save').click();
    await until(
      () =>
        carolPage
          .locator('.me-text .muted')
          .innerText()
          .then((t) => t.includes('At the café ☕')),
      true,
    );
  });

  it('topics: a guest joins one from the directory and talks; a proposal is approved by a site admin', async () => {
    const admin = await api<{ accessToken: string }>(sys.baseUrl, 'POST', '/api/v1/auth/login', {
      body: { username: 'siteadmin', password: 'correct horse battery staple' },
    });
    const topic = await api<{ id: string }>(sys.baseUrl, 'POST', '/api/v1/topics', {
      token: admin.body.accessToken,
      body: { name: 'Open mic', description: 'Anyone may talk' },
    });

    const guestPage = await newPage(375, 740);
    await guestPage.goto(sys.baseUrl);
    await guestPage.getByTestId('auth-guest').click();
    await guestPage.getByTestId('me-name').waitFor({ state: 'attached' });
    expect(await guestPage.getByTestId('room-create-name').count()).toBe(0); // guests make no rooms
    await guestPage.getByTestId('nav-topics').click();
    await guestPage
      .locator(`[data-testid="topic"][data-room-id="${topic.body.id}"]`)
      .getByTestId('topic-join')
      .click();
    await until(() => guestPage.getByTestId('room-title').innerText(), 'Open mic');
    await guestPage.getByTestId('composer-input').fill('hello from a guest');
    await guestPage.getByTestId('composer-input').press('Enter');
    await until(() => guestPage.locator('[data-testid="message"][data-status="sent"]').count(), 1);

    const proposer = await user('pprop', 'Proposer');
    const proposerPage = await newPage();
    await logIn(proposerPage, sys.baseUrl, proposer.username, '/#/topics');
    const form = proposerPage.locator('form.stack');
    await form.getByLabel('Topic').fill('Photography');
    await form.getByRole('button', { name: 'Propose' }).click();
    await proposerPage.getByTestId('toast').filter({ hasText: 'Proposal sent' }).waitFor();

    const adminPage = await newPage();
    await logIn(adminPage, sys.baseUrl, 'siteadmin', '/#/topics');
    const proposal = adminPage.getByTestId('proposal').filter({ hasText: 'Photography' });
    await proposal.getByRole('button', { name: 'Approve' }).click();
    await until(() => adminPage.getByTestId('proposal').count(), 0);
    // The new topic room is in the directory for everyone.
    await proposerPage.reload();
    await until(() => proposerPage.getByTestId('topic').filter({ hasText: 'Photography' }).count(), 1);
  });
});

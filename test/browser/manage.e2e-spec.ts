import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { logIn, makeAvatarPng, until, startBrowserSystem, stopBrowserSystem } from '../support/browser';
import { api, registerUser, TestUser } from '../support/http';
import { createRoomWith, sendHttp } from '../support/rooms';
import { RunningSystem } from '../support/system';

const PASSWORD = 'correct horse battery staple';
const SHOTS = resolve(__dirname, '../../test-results/screenshots');

/**
 * Search, reports and administration, account and room management, each done the way a person
 * does it in the browser and checked through the public API.
 */
describe('browser: search, reports, admin, account and room management', () => {
  jest.setTimeout(90_000);
  let sys: RunningSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let n = 0;
  let siteAdmin: TestUser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ sys, browser } = await startBrowserSystem({ ADMIN_USERNAME: 'siteadmin', ADMIN_PASSWORD: PASSWORD }));
    const login = await api<{ user: { id: string }; accessToken: string }>(
      sys.baseUrl,
      'POST',
      '/api/v1/auth/login',
      { body: { username: 'siteadmin', password: PASSWORD } },
    );
    siteAdmin = { id: login.body.user.id, username: 'siteadmin', token: login.body.accessToken };
  }, 60_000);

  afterAll(() => stopBrowserSystem(sys, browser, contexts));

  const newPage = async (width = 1280, height = 800, locale = 'en-US'): Promise<Page> => {
    const ctx = await browser.newContext({
      viewport: { width, height },
      locale,
      reducedMotion: 'reduce',
      colorScheme: 'light',
    });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(20_000);
    page.on('dialog', (d) => void d.accept());
    return page;
  };
  const user = (name: string, displayName = name) => registerUser(sys.baseUrl, `${name}${++n}`, displayName);
  const shot = async (page: Page, name: string) => {
    // A toast left over from an earlier step would cover the screen.
    await page
      .getByTestId('toast')
      .getByRole('button')
      .click({ timeout: 500 })
      .catch(() => undefined);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled', caret: 'initial' });
  };
  /** The toast shows this text (read without waiting, since toasts come and go). */
  const toastSays = async (page: Page, text: string) => {
    const seen = new Set<string>();
    await until(async () => {
      const now = await page.getByTestId('toast').allInnerTexts();
      now.forEach((x) => seen.add(x));
      return now.some((x) => x.split('\n')[0] === text);
    }, true).catch((err: Error) => {
      throw new Error(`${err.message}; toasts seen: ${JSON.stringify([...seen])}`);
    });
  };
  const members = async (roomId: string, token: string) =>
    (
      await api<{ members: Array<{ userId: string; role: string; mutedUntil?: string }> }>(
        sys.baseUrl,
        'GET',
        `/api/v1/rooms/${roomId}`,
        { token },
      )
    ).body.members;
  const settingsOf = async (roomId: string, token: string) =>
    (
      await api<{ settings: { slowModeSeconds: number; profanityFilter: boolean } }>(
        sys.baseUrl,
        'GET',
        `/api/v1/rooms/${roomId}`,
        { token },
      )
    ).body.settings;

  it('search: a hit far back in history opens in its room, loaded, centred and highlighted; matches are marked as text', async () => {
    const owner = await user('seeker', 'Seeker');
    const roomId = await createRoomWith(sys.baseUrl, owner, [], 'long search room');
    const other = await createRoomWith(sys.baseUrl, owner, [], 'second room');
    for (let i = 1; i <= 160; i++) {
      const content =
        i === 3 ? 'meet at the <b>secret</b> Picnic spot, bring picnic blankets' : `filler message ${i}`;
      await sendHttp(sys.baseUrl, owner, roomId, content, `s-${i}`);
    }
    await sendHttp(sys.baseUrl, owner, other, 'another picnic idea', 'o-1');

    const page = await newPage();
    await logIn(page, sys.baseUrl, owner.username, `/#/room/${roomId}`);
    await until(() => page.locator('[data-testid="message"][data-seq="160"]').count(), 1);
    expect(await page.locator('[data-testid="message"][data-seq="3"]').count()).toBe(0);

    // This room only.
    await page.getByTestId('room-search-open').click();
    await page.getByRole('searchbox', { name: 'Search messages' }).fill('picnic');
    await page.keyboard.press('Enter');
    await until(() => page.getByTestId('search-hit').count(), 1);
    const text = page.getByTestId('search-hit-text').first();
    expect(await text.locator('mark').allInnerTexts()).toEqual(['Picnic', 'picnic']);
    expect(await text.innerText()).toContain('<b>secret</b>');
    expect(await text.locator('b').count()).toBe(0);

    // Keyboard: arrow down from the box to the hit, Enter opens it.
    await page.getByRole('searchbox', { name: 'Search messages' }).press('ArrowDown');
    await page.keyboard.press('Enter');
    const target = page.locator('[data-testid="message"][data-seq="3"]');
    await until(() => target.count(), 1);
    await until(() => target.getAttribute('data-jumped'), 'true');
    const box = await target.boundingBox();
    const listBox = await page.getByTestId('message-list').boundingBox();
    const visible =
      !!box && !!listBox && box.y >= listBox.y && box.y + box.height <= listBox.y + listBox.height;
    expect(visible).toBe(true);
    // Everything between was loaded too: one contiguous history.
    const seqs = await page
      .locator('[data-testid="message"]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(seqs[seqs.length - 1]).toBe(160);
    expect(seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1)).toBe(true);

    // Across my rooms: both rooms' hits, each naming its room; the other one opens there.
    await page.getByTestId('nav-search').click();
    await page.getByTestId('search-screen').waitFor();
    await page.getByTestId('search-input').fill('PICNIC');
    await page.getByTestId('search-submit').click();
    await until(() => page.getByTestId('search-hit').count(), 2);
    expect(await page.locator('.search-hit-room').allInnerTexts()).toEqual([
      'second room',
      'long search room',
    ]);
    await page.getByTestId('search-hit').first().click();
    await until(() => page.getByTestId('room-title').innerText(), 'second room');
    await until(
      () =>
        page
          .locator('[data-testid="message"][data-jumped="true"] [data-testid="message-content"]')
          .innerText(),
      'another picnic idea',
    );

    // Nothing found says so.
    await page.getByTestId('room-search-open').click();
    await page.getByTestId('search-input').fill('zebra');
    await page.getByTestId('search-submit').click();
    await until(() => page.getByTestId('search-count').innerText(), 'No message matches “zebra”.');

    // A reply to that old message jumps back to it the same way.
    const needle = await api<{ messages: Array<{ id: string }> }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/messages?afterSeq=2&limit=1`,
      { token: owner.token },
    );
    await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/messages`, {
      token: owner.token,
      body: { clientMsgId: 'reply-old', content: 'about that spot', replyToId: needle.body.messages[0].id },
    });
    const fresh = await newPage(375, 740);
    await logIn(fresh, sys.baseUrl, owner.username, `/#/room/${roomId}`);
    await fresh.locator('[data-testid="message"][data-seq="161"]').getByTestId('reply-quote').click();
    await until(
      () => fresh.locator('[data-testid="message"][data-seq="3"]').getAttribute('data-jumped'),
      'true',
    );
  });

  it('report: a member reports a message from its menu; a site admin reviews it on the admin screen and deletes it', async () => {
    const bob = await user('rbob', 'Bob');
    const carol = await user('rcarol', 'Carol');
    const roomId = await createRoomWith(sys.baseUrl, siteAdmin, [bob, carol], 'reported room');
    await sendHttp(sys.baseUrl, carol, roomId, 'buy cheap pills at spam.example', 'r-1');

    const bobPage = await newPage(375, 740);
    await logIn(bobPage, sys.baseUrl, bob.username, `/#/room/${roomId}`);
    const msg = bobPage.locator('[data-testid="message"]', { hasText: 'cheap pills' });
    await msg.click();
    await msg.getByTestId('message-actions').click();
    await bobPage.getByTestId('action-report').click();
    const dialog = bobPage.getByTestId('report-dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Spam' }).click();
    expect(await bobPage.getByTestId('report-reason').inputValue()).toBe('Spam');
    await bobPage.getByTestId('report-submit').click();
    await until(() => dialog.isVisible(), false);
    await toastSays(bobPage, 'Thanks. The room’s moderators will review it.');
    // Only room moderators are offered the admin tab: Bob is not a site admin.
    expect(await bobPage.getByTestId('nav-admin').count()).toBe(0);

    const reports = await api<{ reports: Array<{ id: string; reason: string; status: string }> }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/reports?status=open`,
      { token: siteAdmin.token },
    );
    expect(reports.body.reports.map((r) => [r.reason, r.status])).toEqual([['Spam', 'open']]);

    const adminPage = await newPage();
    await logIn(adminPage, sys.baseUrl, 'siteadmin');
    await adminPage.getByTestId('nav-admin').click();
    const report = adminPage.getByTestId('report').filter({ hasText: 'reported room' });
    await until(
      () => report.getByTestId('report-message').innerText(),
      'Carol: buy cheap pills at spam.example',
    );
    expect(await report.innerText()).toContain('Reason: Spam');
    await report.getByTestId('report-delete').click();
    await until(() => adminPage.getByTestId('reports-empty').isVisible(), true);

    const resolved = await api<{ reports: Array<{ resolution: string; resolvedBy: string }> }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/reports?status=resolved`,
      { token: siteAdmin.token },
    );
    expect(resolved.body.reports).toEqual([
      expect.objectContaining({ resolution: 'actioned', resolvedBy: siteAdmin.id }),
    ]);
    // Bob sees the message deleted.
    await until(() => bobPage.locator('.msg-content.tombstone').count(), 1);
    await adminPage.getByTestId('reports-resolved').click();
    await until(() => adminPage.getByTestId('report').count(), 1);
  });

  it('report: a site admin reviews and dismisses a report from a room they are not in', async () => {
    const erin = await user('rerin', 'Erin');
    const frank = await user('rfrank', 'Frank');
    const roomId = await createRoomWith(sys.baseUrl, erin, [frank], 'private corner');
    const sent = await sendHttp(sys.baseUrl, erin, roomId, 'a borderline joke', 'r-private-1');
    const filed = await api<{ id: string }>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/reports`, {
      token: frank.token,
      body: { messageId: sent.id, reason: 'Offensive' },
    });
    expect(filed.status).toBe(201);

    const adminPage = await newPage();
    await logIn(adminPage, sys.baseUrl, 'siteadmin', '/#/admin');
    const report = adminPage.locator(`[data-testid="report"][data-report-id="${filed.body.id}"]`);
    await until(() => report.count(), 1);
    expect(await report.innerText()).toContain('private corner');
    expect(await report.innerText()).toContain('Reason: Offensive');
    // Not a member: the text kept with the report when it was filed.
    await report.getByTestId('report-as-reported').waitFor();
    expect(await report.getByTestId('report-message').innerText()).toContain('a borderline joke');
    expect(await report.getByTestId('report-delete').count()).toBe(0);
    await report.getByTestId('report-dismiss').click();
    await toastSays(adminPage, 'Report dismissed.');
    await until(() => report.count(), 0);

    const resolved = await api<{ reports: Array<{ id: string; resolution: string; resolvedBy: string }> }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/reports?status=resolved`,
      { token: erin.token },
    );
    expect(resolved.body.reports).toEqual([
      expect.objectContaining({ id: filed.body.id, resolution: 'dismissed', resolvedBy: siteAdmin.id }),
    ]);
    await adminPage.getByTestId('reports-resolved').click();
    await until(() => report.count(), 1);
  });

  it('admin: finds a user, deactivates them (login refused), and reactivates them', async () => {
    const dave = await user('ddave', 'Dave Deactivated');
    const page = await newPage();
    await logIn(page, sys.baseUrl, 'siteadmin', '/#/admin');
    await page.getByTestId('admin-tab-users').click();
    await page.getByTestId('admin-user-search').fill('ddave');
    const row = page.locator(`[data-testid="admin-user"][data-user-id="${dave.id}"]`);
    await until(() => page.getByTestId('admin-user').count(), 1);
    await row.getByTestId('admin-deactivate').click();
    await until(() => row.getAttribute('data-deactivated'), 'true');
    const login = () =>
      api(sys.baseUrl, 'POST', '/api/v1/auth/login', {
        body: { username: dave.username, password: PASSWORD },
      }).then((r) => r.status);
    expect(await login()).toBe(401);
    await row.getByTestId('admin-reactivate').click();
    await until(() => row.getAttribute('data-deactivated'), 'false');
    expect(await login()).toBe(200);
    await page.getByTestId('admin-user-search').fill('');
    await until(async () => (await page.getByTestId('admin-user').count()) > 1, true);
  });

  it('password: changed on the profile, other sessions end, and the new password logs in', async () => {
    const erin = await user('perin', 'Erin');
    const page = await newPage();
    await logIn(page, sys.baseUrl, erin.username, '/#/profile');
    await page.getByTestId('password-current').fill(PASSWORD);
    await page.getByTestId('password-new').fill('a much newer passphrase');
    await page.getByTestId('password-repeat').fill('a different one');
    await until(() => page.getByTestId('password-error').innerText(), 'The new passwords do not match.');
    expect(await page.getByTestId('password-submit').isDisabled()).toBe(true);
    await page.getByTestId('password-repeat').fill('a much newer passphrase');
    await page.getByTestId('password-submit').click();
    await toastSays(page, 'Password changed. Other devices were signed out (1).');
    // The session registerUser opened is gone; this tab's session is not.
    await until(
      () => api(sys.baseUrl, 'GET', '/api/v1/me', { token: erin.token }).then((r) => r.status),
      401,
    );
    await page.getByTestId('logout').click();
    await page.getByTestId('auth-username').fill(erin.username);
    await page.getByTestId('auth-password').fill(PASSWORD);
    await page.getByTestId('auth-submit').click();
    await page.locator('[role="alert"]').first().waitFor();
    expect(await page.getByTestId('me-name').count()).toBe(0);
    await page.getByTestId('auth-password').fill('a much newer passphrase');
    await page.getByTestId('auth-submit').click();
    await page.getByTestId('me-name').waitFor();
  });

  it('sessions: another device is listed and signed out from the list', async () => {
    const fay = await user('sfay', 'Fay');
    const other = await api<{ accessToken: string }>(sys.baseUrl, 'POST', '/api/v1/auth/login', {
      body: { username: fay.username, password: PASSWORD },
      headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1' },
    });
    const page = await newPage();
    await logIn(page, sys.baseUrl, fay.username, '/#/profile');
    // registerUser's session, the phone, and this browser.
    await until(() => page.getByTestId('session').count(), 3);
    const phone = page.getByTestId('session').filter({ hasText: 'Safari · iOS' });
    await phone.getByTestId('session-revoke').click();
    await until(() => page.getByTestId('session').count(), 2);
    await until(
      () => api(sys.baseUrl, 'GET', '/api/v1/me', { token: other.body.accessToken }).then((r) => r.status),
      401,
    );
    expect(await page.locator('[data-testid="session"][data-current="true"]').count()).toBe(1);
  });

  it('room settings: make a member an admin, mute another, slow mode and the profanity filter take effect', async () => {
    const owner = await user('mowner', 'Owner');
    const gil = await user('mgil', 'Gil');
    const hana = await user('mhana', 'Hana');
    const roomId = await createRoomWith(sys.baseUrl, owner, [gil, hana], 'moderated room');

    const page = await newPage();
    await logIn(page, sys.baseUrl, owner.username, `/#/room/${roomId}/settings`);
    const gilRow = page.locator(`[data-testid="settings-member"][data-user-id="${gil.id}"]`);
    const hanaRow = page.locator(`[data-testid="settings-member"][data-user-id="${hana.id}"]`);
    await gilRow.waitFor();

    // Role.
    await gilRow.getByTestId('member-role').click();
    await until(
      async () => (await members(roomId, owner.token)).find((m) => m.userId === gil.id)?.role,
      'admin',
    );
    await until(() => gilRow.getByTestId('member-role').innerText(), 'Make member');

    // Mute: Hana cannot post until unmuted.
    await hanaRow.getByTestId('member-mute').selectOption('600');
    await until(
      async () => !!(await members(roomId, owner.token)).find((m) => m.userId === hana.id)?.mutedUntil,
      true,
    );
    await until(async () => (await hanaRow.innerText()).includes('muted until'), true);
    const hanaPage = await newPage(375, 740);
    await logIn(hanaPage, sys.baseUrl, hana.username, `/#/room/${roomId}`);
    await hanaPage.getByTestId('composer-input').fill('can I talk?');
    await hanaPage.getByTestId('composer-send').click();
    await until(
      async () => (await hanaPage.locator('.msg-error').innerText()).includes('A moderator muted you here.'),
      true,
    );
    await hanaRow.getByRole('button', { name: 'Unmute' }).click();
    await until(
      async () => (await members(roomId, owner.token)).find((m) => m.userId === hana.id)?.mutedUntil,
      undefined,
    );

    // Slow mode: a second message within the window is refused.
    await page.getByTestId('slow-mode').selectOption('30');
    await until(async () => (await settingsOf(roomId, owner.token)).slowModeSeconds, 30);
    const first = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/messages`, {
      token: hana.token,
      body: { clientMsgId: 'slow-1', content: 'first' },
    });
    expect(first.status).toBe(201);
    await hanaPage.reload();
    await hanaPage.getByTestId('composer-input').fill('second, too soon');
    await hanaPage.getByTestId('composer-send').click();
    await until(
      async () => (await hanaPage.locator('.msg-error').last().innerText()).startsWith('Slow mode'),
      true,
    );
    await page.getByTestId('slow-mode').selectOption('0');
    await until(async () => (await settingsOf(roomId, owner.token)).slowModeSeconds, 0);

    // Profanity filter: on masks, off does not.
    const filter = page.getByTestId('profanity-filter');
    const initially = await filter.isChecked();
    if (initially) {
      await filter.click();
      await until(async () => (await settingsOf(roomId, owner.token)).profanityFilter, false);
    }
    // Controlled by the server's answer: clicked, then checked once the room says so.
    await filter.click();
    await until(async () => (await settingsOf(roomId, owner.token)).profanityFilter, true);
    await until(() => filter.isChecked(), true);
    const masked = await sendHttp(sys.baseUrl, gil, roomId, 'well shit happens', 'p-1');
    await filter.click();
    await until(async () => (await settingsOf(roomId, owner.token)).profanityFilter, false);
    const plain = await sendHttp(sys.baseUrl, gil, roomId, 'well shit happens', 'p-2');
    await page.goto(`${sys.baseUrl}/#/room/${roomId}`);
    const content = (seq: number) =>
      page.locator(`[data-testid="message"][data-seq="${seq}"] [data-testid="message-content"]`).innerText();
    await until(async () => (await content(masked.seq)).includes('shit'), false);
    await until(() => content(plain.seq), 'well shit happens');
  });

  it('room settings: change the room image, revoke an invite link, hand the room over', async () => {
    const owner = await user('iowner', 'Ivy');
    const jay = await user('ijay', 'Jay');
    const outsider = await user('iout', 'Outsider');
    const roomId = await createRoomWith(sys.baseUrl, owner, [jay], 'image room');
    // Links made elsewhere (createRoomWith's, and another device's): listed with their maker and
    // uses, with no address to copy.
    const elsewhere = await api<{ id: string; token: string }>(
      sys.baseUrl,
      'POST',
      `/api/v1/rooms/${roomId}/invite-links`,
      { token: owner.token, body: { maxUses: 3 } },
    );

    const page = await newPage();
    await logIn(page, sys.baseUrl, owner.username, `/#/room/${roomId}/settings`);
    await page.getByTestId('room-image-file').setInputFiles({
      name: 'room.png',
      mimeType: 'image/png',
      buffer: makeAvatarPng(96, [250, 204, 21], [234, 88, 12]),
    });
    await page.getByTestId('room-image-upload').click();
    await toastSays(page, 'Room image updated.');
    const imageUrl = await api<{ imageUrl?: string }>(sys.baseUrl, 'GET', `/api/v1/rooms/${roomId}`, {
      token: owner.token,
    }).then((r) => r.body.imageUrl);
    expect(imageUrl).toMatch(/^\/api\/v1\/rooms\/.+\/image\?v=\d+$/);
    const image = await fetch(`${sys.baseUrl}${imageUrl}`);
    expect(image.headers.get('content-type')).toBe('image/png');
    await until(
      () => page.locator(`[data-testid="room-item"][data-room-id="${roomId}"] img`).getAttribute('src'),
      imageUrl,
    );

    const other = page.locator(`[data-testid="invite-link"][data-link-id="${elsewhere.body.id}"]`);
    await other.waitFor();
    await until(() => page.getByTestId('invite-link').count(), 2);
    expect(await other.innerText()).toContain('Made by Ivy');
    expect(await other.innerText()).toContain('used 0/3');
    expect(await other.getByTestId('invite-link-copy').count()).toBe(0);

    // A new link, then revoked: joining with it is refused.
    await page.getByTestId('invite-link-new').click();
    await until(() => page.getByTestId('invite-link').count(), 3);
    const link = page.getByTestId('invite-link').first();
    expect(await link.getAttribute('data-link-id')).not.toBe(elsewhere.body.id);
    await link.getByTestId('invite-link-copy').waitFor();
    const url = await link.locator('code').innerText();
    const token = new URL(url.replace('/#/', '/')).searchParams.get('token') as string;
    await link.getByTestId('invite-link-revoke').click();
    await until(() => page.getByTestId('invite-link').count(), 2);
    const join = await api<{ code: string }>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/join`, {
      token: outsider.token,
      body: { inviteToken: token },
    });
    expect([join.status, join.body.code]).toEqual([403, 'room.invite_invalid']);
    await shot(page, 'room-settings-invite-links');

    // The link from elsewhere is revoked here too.
    await other.getByTestId('invite-link-revoke').click();
    await until(() => page.getByTestId('invite-link').count(), 1);
    const listed = await api<{ links: Array<{ id: string }> }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/invite-links`,
      {
        token: owner.token,
      },
    );
    expect(listed.body.links.map((l) => l.id)).toEqual([
      await page.getByTestId('invite-link').getAttribute('data-link-id'),
    ]);
    const joinElsewhere = await api<{ code: string }>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/join`, {
      token: outsider.token,
      body: { inviteToken: elsewhere.body.token },
    });
    expect([joinElsewhere.status, joinElsewhere.body.code]).toEqual([403, 'room.invite_invalid']);

    // Ownership.
    await page.getByTestId('transfer-target').selectOption(jay.id);
    await page.getByTestId('transfer-submit').click();
    await until(
      async () =>
        (await members(roomId, owner.token))
          .map((m) => [m.userId, m.role])
          .sort((a, b) => a[0].localeCompare(b[0])),
      [
        [owner.id, 'admin'],
        [jay.id, 'owner'],
      ].sort((a, b) => a[0].localeCompare(b[0])),
    );
    await until(() => page.getByTestId('transfer-section').count(), 0);
  });

  it('guest: upgrades to a full account from the profile and keeps it after a reload', async () => {
    const page = await newPage();
    await page.goto(sys.baseUrl);
    await page.getByTestId('auth-guest').click();
    await page.getByTestId('me-name').waitFor();
    await page.goto(`${sys.baseUrl}/#/profile`);
    await page.getByTestId('guest-upgrade').waitFor();
    await page.getByTestId('upgrade-username').fill(`kept${++n}`);
    await page.getByTestId('upgrade-displayname').fill('Kept Guest');
    await page.getByTestId('upgrade-password').fill(PASSWORD);
    await page.getByTestId('upgrade-submit').click();
    await until(() => page.getByTestId('me-name').innerText(), 'Kept Guest');
    await page.getByTestId('password-section').waitFor();
    expect(await page.getByTestId('guest-upgrade').count()).toBe(0);
    await page.getByTestId('nav-friends').waitFor();
    const login = await api(sys.baseUrl, 'POST', '/api/v1/auth/login', {
      body: { username: `kept${n}`, password: PASSWORD },
    });
    expect(login.status).toBe(200);
  });

  it('avatars: member lists say who has one, and the client asks only for those (no 404s)', async () => {
    const pic = await user('apic', 'Pic Owner');
    const plain = await user('aplain', 'No Picture');
    const roomId = await createRoomWith(sys.baseUrl, pic, [plain], 'avatar room');
    const put = await fetch(`${sys.baseUrl}/api/v1/me/avatar`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${pic.token}`, 'content-type': 'image/png' },
      body: makeAvatarPng(64, [56, 189, 248], [99, 102, 241]),
    });
    expect(put.status).toBe(200);
    const listed = await members(roomId, plain.token);
    expect(
      listed
        .map((m) => [m.userId, (m as { hasAvatar?: boolean }).hasAvatar])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual(
      [
        [pic.id, true],
        [plain.id, false],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    await sendHttp(sys.baseUrl, pic, roomId, 'with a picture', 'av-1');
    await sendHttp(sys.baseUrl, plain, roomId, 'without one', 'av-2');

    const viewer = await user('aviewer', 'Viewer');
    await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/invites`, {
      token: pic.token,
      body: { userId: viewer.id },
    });
    await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/join`, { token: viewer.token, body: {} });
    const page = await newPage();
    const avatarAnswers: Array<[string, number]> = [];
    page.on('response', (res) => {
      const m = res.url().match(/\/users\/([^/]+)\/avatar/);
      if (m) avatarAnswers.push([m[1], res.status()]);
    });
    await logIn(page, sys.baseUrl, viewer.username, `/#/room/${roomId}/settings`);
    await until(() => page.getByTestId('settings-member').count(), 3);
    await page.goto(`${sys.baseUrl}/#/room/${roomId}`);
    await until(() => page.getByTestId('message').count(), 2);
    await until(() => page.locator(`.msg-avatar img`).count(), 1);
    expect(avatarAnswers.filter(([, status]) => status === 404)).toEqual([]);
    expect(avatarAnswers.some(([id, status]) => id === pic.id && status === 200)).toBe(true);
  });

  it('screens: search, report dialog, admin, profile and room tools at desktop and phone width', async () => {
    const kim = await registerUser(sys.baseUrl, `shotkim${++n}`, '김하늘');
    const lee = await registerUser(sys.baseUrl, `shotlee${n}`, 'Lee Minji');
    const roomId = await createRoomWith(sys.baseUrl, kim, [lee], '여행 계획 ✈️');
    const other = await createRoomWith(sys.baseUrl, kim, [lee], 'Weekend trip');
    for (const [u, text] of [
      [kim, '제주도 항공권 찾아봤어요'],
      [lee, 'The flight on Friday evening looks cheapest'],
      [kim, '제주도 숙소는 바닷가 쪽이 좋겠어요 🌊'],
      [lee, 'Agreed! I will book the car too'],
      [kim, '항공권 예약 완료! 제주도에서 만나요'],
    ] as const)
      await sendHttp(sys.baseUrl, u, roomId, text, `shot-${Math.random()}`);
    await sendHttp(sys.baseUrl, lee, other, 'Packing list for 제주도: sunscreen, hat', 'shot-o');
    const spammer = await registerUser(sys.baseUrl, `shotspam${n}`, 'Free Coins Bot');
    await api(sys.baseUrl, 'POST', `/api/v1/admin/users/${spammer.id}/deactivate`, {
      token: siteAdmin.token,
    });
    // A room the site admin runs, with reports waiting for review.
    const lounge = await createRoomWith(sys.baseUrl, siteAdmin, [kim, lee], 'Community lounge');
    for (const [u, text, reason] of [
      [lee, 'Click here for FREE coins!!! totally-legit.example', 'Spam'],
      [kim, 'You are all idiots', '욕설이에요'],
    ] as const) {
      const m = await sendHttp(sys.baseUrl, u, lounge, text, `shot-${Math.random()}`);
      await api(sys.baseUrl, 'POST', `/api/v1/rooms/${lounge}/reports`, {
        token: (u === lee ? kim : lee).token,
        body: { messageId: m.id, reason },
      });
    }

    for (const size of [
      { tag: 'desktop', width: 1280, height: 800, locale: 'en-US' },
      { tag: 'phone', width: 375, height: 740, locale: 'ko-KR' },
    ] as const) {
      const page = await newPage(size.width, size.height, size.locale);
      await logIn(page, sys.baseUrl, kim.username, '/#/search');
      await page.getByTestId('search-input').fill('제주도');
      await page.getByTestId('search-submit').click();
      await until(() => page.getByTestId('search-hit').count(), 4);
      await page.waitForTimeout(300);
      await shot(page, `search-${size.tag}`);

      await page.goto(`${sys.baseUrl}/#/room/${roomId}`);
      await until(() => page.getByTestId('message').count(), 5);
      await page.getByTestId('room-search-open').click();
      await page.getByTestId('search-input').fill('항공권');
      await page.getByTestId('search-submit').click();
      await until(() => page.getByTestId('search-hit').count(), 2);
      await shot(page, `room-search-${size.tag}`);
      await page.getByTestId('search-hit').last().click();
      await until(() => page.locator('[data-testid="message"].flash').count(), 1);
      await shot(page, `search-jump-${size.tag}`);

      const msg = page.locator('[data-testid="message"]', { hasText: 'book the car' });
      await msg.click();
      await msg.getByTestId('message-actions').click();
      await page.getByTestId('action-report').click();
      await page.getByTestId('report-dialog').waitFor();
      await page
        .getByTestId('report-reason')
        .fill(size.tag === 'desktop' ? 'Off-topic advertising' : '광고예요');
      await shot(page, `report-${size.tag}`);
      await page.getByTestId('report-submit').click();
      await until(() => page.getByTestId('report-dialog').count(), 0);

      await page.goto(`${sys.baseUrl}/#/room/${roomId}/settings`);
      await page.getByTestId('room-reports').getByTestId('report').first().waitFor();
      await page.waitForTimeout(300);
      await shot(page, `room-manage-${size.tag}`);
      await page.getByTestId('room-reports').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.waitForTimeout(300);
      await shot(page, `room-reports-${size.tag}`);

      await page.goto(`${sys.baseUrl}/#/profile`);
      await page.getByTestId('password-section').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await shot(page, `profile-password-${size.tag}`);

      const admin = await newPage(size.width, size.height, size.locale);
      await logIn(admin, sys.baseUrl, 'siteadmin', '/#/admin');
      // Every room's reports: the lounge's, and Kim's in a room the admin is not in.
      const loungeReports = admin.locator(`[data-testid="report"][data-room-id="${lounge}"]`);
      await until(() => loungeReports.count(), 2);
      await until(
        async () =>
          (await loungeReports.getByTestId('report-message').allInnerTexts()).map((x) => x.split(': ')[1]),
        ['You are all idiots', 'Click here for FREE coins!!! totally-legit.example'],
      );
      await until(() => admin.locator(`[data-testid="report"][data-room-id="${roomId}"]`).count(), 1);
      await shot(admin, `admin-reports-${size.tag}`);
      await admin.getByTestId('admin-tab-users').click();
      await admin.getByTestId('admin-user-search').fill('shot');
      await until(() => admin.locator('[data-testid="admin-user"][data-deactivated="true"]').count(), 1);
      await until(() => admin.getByTestId('admin-user').count(), 3);
      await shot(admin, `admin-users-${size.tag}`);
    }
  });
});

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { logIn, until, startBrowserSystem, stopBrowserSystem } from '../support/browser';
import { api, registerUser } from '../support/http';
import { createRoomWith, sendHttp } from '../support/rooms';
import { RunningSystem } from '../support/system';

const SHOTS = resolve(__dirname, '../../test-results/screenshots');

/**
 * The room setting "hide history from before members joined", switched in room settings the way
 * an owner does it, in English and Korean, and checked through the public API; a member who
 * joins afterwards opens the room and sees only what was said since.
 */
describe('browser: hide history before join', () => {
  jest.setTimeout(90_000);
  let sys: RunningSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ sys, browser } = await startBrowserSystem());
  }, 60_000);

  afterAll(() => stopBrowserSystem(sys, browser, contexts));

  const newPage = async (locale: string): Promise<Page> => {
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale,
      reducedMotion: 'reduce',
      colorScheme: 'light',
    });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  };

  it('an owner switches it on and off in room settings; a newcomer then sees only what came after', async () => {
    const owner = await registerUser(sys.baseUrl, 'hv-owner', 'Owner');
    const late = await registerUser(sys.baseUrl, 'hv-late', 'Late');
    const roomId = await createRoomWith(sys.baseUrl, owner, [], 'quiet room');
    const visibility = async () =>
      (
        await api<{ settings: { historyVisibility: string } }>(
          sys.baseUrl,
          'GET',
          `/api/v1/rooms/${roomId}`,
          {
            token: owner.token,
          },
        )
      ).body.settings.historyVisibility;
    await sendHttp(sys.baseUrl, owner, roomId, 'said before anyone else came', 'hv-1');

    const page = await newPage('en-US');
    await logIn(page, sys.baseUrl, owner.username, `/#/room/${roomId}/settings`);
    const toggle = page.getByTestId('hide-history-before-join');
    await expect(toggle.isChecked()).resolves.toBe(false);
    await expect(
      page.getByText('Hide history from before members joined', { exact: true }).count(),
    ).resolves.toBe(1);
    await toggle.click();
    await until(visibility, 'joined');
    await until(() => toggle.isChecked(), true);
    await page.screenshot({ path: join(SHOTS, 'room-settings-hide-history.png'), animations: 'disabled' });

    const ko = await newPage('ko-KR');
    await logIn(ko, sys.baseUrl, owner.username, `/#/room/${roomId}/settings`);
    await ko.getByText('입장 전 대화 숨기기', { exact: true }).waitFor();
    await until(() => ko.getByTestId('hide-history-before-join').isChecked(), true);

    // A newcomer opens the room: the message from before their join is not there.
    const link = await api<{ token: string }>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/invite-links`, {
      token: owner.token,
      body: {},
    });
    const joined = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/join`, {
      token: late.token,
      body: { inviteToken: link.body.token },
    });
    expect(joined.status).toBe(200);
    await sendHttp(sys.baseUrl, owner, roomId, 'welcome, newcomer', 'hv-2');
    const latePage = await newPage('en-US');
    await logIn(latePage, sys.baseUrl, late.username, `/#/room/${roomId}`);
    const contents = latePage.getByTestId('message-content');
    await until(async () => (await contents.allInnerTexts()).includes('welcome, newcomer'), true);
    expect(await contents.allInnerTexts()).not.toContain('said before anyone else came');

    await toggle.click();
    await until(visibility, 'shared');
    await until(() => toggle.isChecked(), false);
  });
});

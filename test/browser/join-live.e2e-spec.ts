import { Browser, BrowserContext, Page } from 'playwright-core';
import { signUp, until, startBrowserSystem, stopBrowserSystem } from '../support/browser';
import { api, registerUser } from '../support/http';
import { sendHttp } from '../support/rooms';
import { RunningSystem } from '../support/system';

/**
 * A join is answered before the gateway hears the room; the room goes live on the socket with
 * `user.membership.added`. A message said between the page the client fetched on joining and
 * that frame reaches the socket neither live nor in that page, so the client syncs the room when
 * the frame arrives, or once the page lands if it is still on its way (architecture.md,
 * "Membership and the gateway's bindings"). The tests make that window wide: the first page is
 * answered as if fetched before the last message, and the frame (with whatever follows it) is
 * held until the page has landed, or the page is held until the frame has been handled.
 */
describe('browser: joining a room whose first page missed a message', () => {
  let sys: RunningSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ({ sys, browser } = await startBrowserSystem());
  }, 60_000);

  afterAll(() => stopBrowserSystem(sys, browser, contexts));

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Alice's room with two messages; Bob joins it in the browser with the given order of events. */
  async function joinMissingTheLastMessage(name: string, order: 'page-first' | 'frame-first'): Promise<Page> {
    const alice = await registerUser(sys.baseUrl, `alice-${name}`, 'Alice');
    const created = await api<{ id: string }>(sys.baseUrl, 'POST', '/api/v1/rooms', {
      token: alice.token,
      body: { name: '늦은 방' },
    });
    const roomId = created.body.id;
    const link = await api<{ token: string }>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/invite-links`, {
      token: alice.token,
      body: {},
    });
    expect([created.status, link.status]).toEqual([201, 201]);
    await sendHttp(sys.baseUrl, alice, roomId, '첫 번째', `${name}-1`);
    await sendHttp(sys.baseUrl, alice, roomId, '두 번째 👋', `${name}-2`);

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ko-KR' });
    contexts.push(ctx);
    const bob = await ctx.newPage();
    let releaseFrame!: () => void;
    const frameReleased = new Promise<void>((resolve) => (releaseFrame = resolve));
    let firstPage = true;
    await bob.route(
      (url) => url.pathname === `/api/v1/rooms/${roomId}/messages`,
      async (route) => {
        if (!firstPage) return route.continue();
        firstPage = false;
        const response = await route.fetch();
        const page = (await response.json()) as { messages: Array<{ content: string }> };
        page.messages = page.messages.filter((m) => m.content !== '두 번째 👋');
        if (order === 'frame-first') {
          releaseFrame();
          await sleep(300); // the client handles the frame while its page is on the way
        }
        await route.fulfill({ response, json: page });
      },
    );
    let held: Array<string | Buffer> | undefined;
    await bob.routeWebSocket(
      (url) => url.pathname === '/ws',
      (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((frame) => server.send(frame));
        server.onMessage((frame) => {
          if (held) return void held.push(frame);
          const text = typeof frame === 'string' ? frame : frame.toString('utf8');
          if (!(text.includes('"user.membership.added"') && text.includes(roomId))) return ws.send(frame);
          const queue = [frame];
          held = queue;
          void frameReleased.then(() => {
            held = undefined;
            for (const f of queue) ws.send(f);
          });
        });
      },
    );

    await signUp(bob, sys.baseUrl, `bob-${name}`, 'Bob');
    await bob.getByTestId('room-join-id').fill(`${sys.baseUrl}/#/join/${roomId}?token=${link.body.token}`);
    await bob.getByTestId('room-join-submit').click();
    await until(() => bob.getByTestId('room-title').innerText(), '늦은 방');
    if (order === 'page-first') {
      await until(() => bob.getByTestId('message-content').filter({ hasText: '첫 번째' }).count(), 1);
      releaseFrame();
    }
    // The title comes from the join's answer; the first page may still be unasked for.
    await until(async () => firstPage, false);
    return bob;
  }

  async function expectBothInOrder(bob: Page): Promise<void> {
    await until(() => bob.getByTestId('message-content').filter({ hasText: '두 번째 👋' }).count(), 1);
    const seqs = await bob
      .getByTestId('message')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-seq')));
    expect(seqs).toEqual(['1', '2']);
  }

  it('the frame after the page: the room is synced when the frame arrives', async () => {
    await expectBothInOrder(await joinMissingTheLastMessage('after', 'page-first'));
  });

  it('the frame while the page is on its way: the room is synced once the page lands', async () => {
    await expectBothInOrder(await joinMissingTheLastMessage('during', 'frame-first'));
  });
});

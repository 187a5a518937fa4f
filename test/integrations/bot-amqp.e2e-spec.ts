import { resolve } from 'node:path';
import amqp from 'amqplib';
import { Browser, Page } from 'playwright-core';
import { launchChromium, logIn } from '../support/browser';
import { api, registerUser, TestUser } from '../support/http';
import { amqpPublish, BotSurface, Consumer, fill, readBotSurface, run } from '../support/amqp-tools';
import { eventually } from '../support/infra';
import { createRoomWith, sendHttp } from '../support/rooms';
import { startSystem, RunningSystem } from '../support/system';

interface Credentials {
  integration: { id: string; name: string };
  amqp: { url: string; username: string; password: string; exchange: string; queue: string; vhost: string };
}

/**
 * Issue #10's must-show: a client that is not ours (Debian's amqp-tools) posts as a bot and
 * receives room events using only the AsyncAPI document's names and the bot's credentials, and
 * the post appears in a person's room in the browser. Then what the broker refuses the bot.
 */
describe('integrations over AMQP with amqp-tools', () => {
  let sys: RunningSystem;
  let browser: Browser;
  let surface: BotSurface;
  let admin: string;
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;
  let otherRoomId: string;
  let bot: Credentials;
  let events: Consumer;
  const cleanups: Array<() => Promise<unknown>> = [];

  const createBot = async (name: string): Promise<Credentials> => {
    const res = await api<Credentials>(sys.baseUrl, 'POST', '/api/v1/admin/integrations', {
      token: admin,
      body: { name },
    });
    expect(res.status).toBe(201);
    cleanups.push(() =>
      api(sys.baseUrl, 'DELETE', `/api/v1/admin/integrations/${res.body.integration.id}`, { token: admin }),
    );
    return res.body;
  };
  const keyFor = (room: string, user: string) => fill(surface.commandAddress, { roomId: room, botId: user });
  const send = (
    creds: Credentials,
    room: string,
    body: Record<string, unknown> | string,
    as = creds.integration.id,
  ) =>
    amqpPublish(
      creds.amqp.url,
      surface.exchange,
      keyFor(room, as),
      typeof body === 'string' ? body : JSON.stringify({ type: surface.sendMessageName, v: 1, ...body }),
    );

  beforeAll(async () => {
    surface = await readBotSurface();
    sys = await startSystem({
      WEB_DIST_DIR: resolve(__dirname, '../../dist/web'),
      ADMIN_USERNAME: 'siteadmin',
      ADMIN_PASSWORD: 'correct horse battery staple',
    });
    const login = await api<{ accessToken: string }>(sys.baseUrl, 'POST', '/api/v1/auth/login', {
      body: { username: 'siteadmin', password: 'correct horse battery staple' },
    });
    admin = login.body.accessToken;
    [alice, bob] = await Promise.all([
      registerUser(sys.baseUrl, 'alice', 'Alice'),
      registerUser(sys.baseUrl, 'bob'),
    ]);
    roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'with a bot');
    otherRoomId = await createRoomWith(sys.baseUrl, bob, [], 'no bots here');
    bot = await createBot('Greeter 🤖');
    events = new Consumer(bot.amqp.url, fill(surface.queueAddress, { botId: bot.integration.id }));
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    events?.stop();
    await browser?.close();
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await sys?.stop();
  });

  it('shows the credentials once: the list never carries a password', async () => {
    expect(bot.amqp).toMatchObject({
      username: `happychat-bot-${bot.integration.id}`,
      exchange: surface.exchange,
      queue: fill(surface.queueAddress, { botId: bot.integration.id }),
      vhost: new URL(sys.env.AMQP_URL as string).pathname.slice(1),
    });
    expect(bot.amqp.password.length).toBeGreaterThanOrEqual(32);
    const list = await api(sys.baseUrl, 'GET', '/api/v1/admin/integrations', { token: admin });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain(bot.integration.id);
    expect(JSON.stringify(list.body)).not.toContain(bot.amqp.password);
    // The room service consumes the bots' commands and shows that queue in its metrics.
    const roomUrl = (await sys.apps.room.getUrl()).replace('[::1]', '127.0.0.1');
    expect(await (await fetch(`${roomUrl}/metrics`)).text()).toMatch(
      /happychat_queue_depth\{queue="happychat\.room\.integrations",what="consumers"\} [1-9]/,
    );
  });

  it('only admins manage integrations, and only room managers add them', async () => {
    const asUser = await api(sys.baseUrl, 'POST', '/api/v1/admin/integrations', {
      token: alice.token,
      body: { name: 'x' },
    });
    expect(asUser.status).toBe(403);
    expect(asUser.body).toMatchObject({ code: 'auth.forbidden' });
    const blank = await api(sys.baseUrl, 'POST', '/api/v1/admin/integrations', {
      token: admin,
      body: { name: '  ' },
    });
    expect(blank.status).toBe(400);
    const twin = await api(sys.baseUrl, 'POST', '/api/v1/admin/integrations', {
      token: admin,
      body: { name: 'greeter 🤖' },
    });
    expect(twin.status).toBe(409);
    expect(twin.body).toMatchObject({ code: 'integration.name_taken' });
    const byMember = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/integrations`, {
      token: bob.token,
      body: { integrationId: bot.integration.id },
    });
    expect(byMember.status).toBe(403);
    const dir = await api<{ integrations: Array<{ id: string }> }>(
      sys.baseUrl,
      'GET',
      '/api/v1/integrations',
      {
        token: bob.token,
      },
    );
    expect(dir.body.integrations.map((i) => i.id)).toContain(bot.integration.id);
  });

  it('a bot posts with amqp-publish, hears its room with amqp-consume, and the post shows in the browser', async () => {
    const added = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/integrations`, {
      token: alice.token,
      body: { integrationId: bot.integration.id },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      userId: bot.integration.id,
      displayName: 'Greeter 🤖',
      role: 'member',
      bot: true,
    });
    await events.waitFor(
      (e) => e.type === 'room.member.joined' && e.userId === bot.integration.id,
      'its own join',
    );

    const page: Page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await logIn(page, sys.baseUrl, alice.username, `/#/room/${roomId}`);
    await page.getByTestId('message-list').waitFor();

    const content = '안녕하세요, 저는 봇이에요 🤖 <b>not bold</b>';
    const published = await send(bot, roomId, { clientMsgId: 'hello-1', content });
    expect(published).toMatchObject({ code: 0 });

    const sent = await events.waitFor(
      (e) => e.type === 'bot.message.sent' && e.clientMsgId === 'hello-1',
      'bot.message.sent',
    );
    expect(sent).toMatchObject({ v: 1, roomId, duplicate: false, seq: expect.any(Number) });
    expect(typeof sent.eventId).toBe('string');
    const created = await events.waitFor(
      (e) => e.type === 'message.created' && (e.message as { id: string }).id === sent.messageId,
      'message.created of its post',
    );
    expect(created.message).toMatchObject({ senderId: bot.integration.id, content, roomId });

    const shown = page.locator('[data-testid="message"]', { hasText: '저는 봇이에요' });
    await shown.waitFor({ timeout: 10_000 });
    expect(await shown.innerText()).toContain('<b>not bold</b>');
    // Marked as a bot beside its name.
    await page.locator('.msg-sender', { hasText: 'Greeter' }).getByText('BOT').waitFor();
    await page.screenshot({ path: resolve(__dirname, '../../docs/screenshots/bot-message-desktop.png') });

    // A person's message reaches the bot's queue too.
    const said = await sendHttp(sys.baseUrl, alice, roomId, 'hello, bot', 'alice-to-bot');
    await events.waitFor(
      (e) => e.type === 'message.created' && (e.message as { id: string }).id === said.id,
      "alice's message",
    );

    // At least once on the way in: the same clientMsgId again posts nothing new.
    expect(await send(bot, roomId, { clientMsgId: 'hello-1', content })).toMatchObject({ code: 0 });
    const again = await events.waitFor(
      (e) => e.type === 'bot.message.sent' && e.clientMsgId === 'hello-1' && e.duplicate === true,
      'the duplicate answer',
    );
    expect(again.messageId).toBe(sent.messageId);
    const page1 = await api<{ messages: Array<{ clientMsgId: string; senderId: string }> }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/messages`,
      { token: alice.token },
    );
    expect(page1.body.messages.filter((m) => m.senderId === bot.integration.id)).toHaveLength(1);
  }, 60_000);

  it('a room owner adds and removes a bot in the room settings', async () => {
    const uiBot = await createBot('Helper bot');
    const uiRoom = await createRoomWith(sys.baseUrl, alice, [], 'settings bots');
    const ctx = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'ko-KR' });
    const page = await ctx.newPage();
    await logIn(page, sys.baseUrl, alice.username, `/#/room/${uiRoom}/settings`);
    const row = page.getByTestId('room-integration').filter({ hasText: 'Helper bot' });
    await row.getByRole('button', { name: /추가/ }).click();
    await row.getByRole('button', { name: /내보내기/ }).waitFor();
    await page.getByTestId('room-integrations').scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(__dirname, '../../docs/screenshots/integrations-phone.png') });
    const members = async () =>
      (
        await api<{ members: Array<{ userId: string }> }>(sys.baseUrl, 'GET', `/api/v1/rooms/${uiRoom}`, {
          token: alice.token,
        })
      ).body.members.map((m) => m.userId);
    expect(await members()).toContain(uiBot.integration.id);
    await row.getByRole('button', { name: /내보내기/ }).click();
    await row.getByRole('button', { name: /추가/ }).waitFor();
    expect(await members()).not.toContain(uiBot.integration.id);
    await ctx.close();
  }, 45_000);

  it('a bot gets the same refusals as a person, on its queue', async () => {
    expect((await send(bot, otherRoomId, { clientMsgId: 'elsewhere', content: 'hi' })).code).toBe(0);
    const notMember = await events.waitFor(
      (e) => e.type === 'bot.command.failed' && e.clientMsgId === 'elsewhere',
      'refusal',
    );
    expect(notMember).toMatchObject({
      roomId: otherRoomId,
      commandType: 'bot.message.send',
      error: { code: 'room.not_member' },
    });

    expect((await send(bot, roomId, '{not json')).code).toBe(0);
    await events.waitFor(
      (e) =>
        e.type === 'bot.command.failed' &&
        (e.error as { code: string }).code === 'common.validation_failed' &&
        !e.clientMsgId,
      'refusal of bad JSON',
    );
    expect((await send(bot, roomId, { clientMsgId: 'blank', content: '   ' })).code).toBe(0);
    const blank = await events.waitFor(
      (e) => e.type === 'bot.command.failed' && e.clientMsgId === 'blank',
      'refusal of a blank',
    );
    expect(blank.error).toMatchObject({ code: 'common.validation_failed' });

    // Larger than any valid command (here 500 KB, through a full client): refused unread.
    const conn = await amqp.connect(bot.amqp.url);
    try {
      const ch = await conn.createConfirmChannel();
      const huge = JSON.stringify({
        type: 'bot.message.send',
        v: 1,
        clientMsgId: 'huge',
        content: 'x'.repeat(500_000),
      });
      await new Promise<void>((resolve, reject) =>
        ch.publish(
          surface.exchange,
          keyFor(roomId, bot.integration.id),
          Buffer.from(huge),
          { correlationId: 'big-1' },
          (err) => (err ? reject(err) : resolve()),
        ),
      );
    } finally {
      await conn.close();
    }
    const tooBig = await events.waitFor(
      (e) => e.type === 'bot.command.failed' && (e.error as { message: string }).message.includes('bytes'),
      'refusal of a 500 KB command',
    );
    expect(tooBig.error).toMatchObject({ code: 'common.validation_failed' });

    const muted = await api(
      sys.baseUrl,
      'POST',
      `/api/v1/rooms/${roomId}/members/${bot.integration.id}/mute`,
      {
        token: alice.token,
        body: { durationSeconds: 60 },
      },
    );
    expect(muted.status).toBeLessThan(300);
    expect((await send(bot, roomId, { clientMsgId: 'while-muted', content: 'hi' })).code).toBe(0);
    const refused = await events.waitFor(
      (e) => e.type === 'bot.command.failed' && e.clientMsgId === 'while-muted',
      'mute',
    );
    expect(refused.error).toMatchObject({ code: 'room.muted' });
    await api(sys.baseUrl, 'DELETE', `/api/v1/rooms/${roomId}/members/${bot.integration.id}/mute`, {
      token: alice.token,
    });
  }, 30_000);

  it('the broker refuses a bot that publishes as someone else, reads elsewhere, or declares or binds', async () => {
    const other = await createBot('Other bot');
    const asAlice = await send(bot, roomId, { clientMsgId: 'forged', content: 'I am Alice' }, alice.id);
    expect(asAlice.code).not.toBe(0);
    expect(asAlice.stderr).toMatch(/ACCESS_REFUSED/);
    const asOtherBot = await send(
      bot,
      roomId,
      { clientMsgId: 'forged-2', content: 'hi' },
      other.integration.id,
    );
    expect(asOtherBot.code).not.toBe(0);
    // Not a room id, even one of the right length: refused by the topic permission too.
    const notARoom = await amqpPublish(
      bot.amqp.url,
      surface.exchange,
      keyFor('-'.repeat(36), bot.integration.id),
      JSON.stringify({ type: 'bot.message.send', v: 1, clientMsgId: 'no-room', content: 'hi' }),
    );
    expect(notARoom.code).not.toBe(0);
    expect(notARoom.stderr).toMatch(/ACCESS_REFUSED/);

    // Another bot's queue, a service queue, or a queue of its own bound to a room it is not in.
    for (const queue of [other.amqp.queue, 'happychat.room.commands']) {
      const read = await run('amqp-consume', ['-u', bot.amqp.url, '-q', queue, '-c', '1', 'cat'], 5_000);
      expect(read.code).not.toBe(0);
      expect(read.stderr).toMatch(/ACCESS_REFUSED/);
    }
    const declare = await run(
      'amqp-consume',
      [
        '-u',
        bot.amqp.url,
        '-e',
        'happychat.room.events',
        '-r',
        `room.${otherRoomId}.user.*`,
        '-c',
        '1',
        'cat',
      ],
      5_000,
    );
    expect(declare.code).not.toBe(0);
    expect(declare.stderr).toMatch(/ACCESS_REFUSED/);

    // The same with a full client: each attempt closes the channel with 403.
    const conn = await amqp.connect(bot.amqp.url);
    try {
      const attempts: Array<[string, (ch: amqp.Channel) => Promise<unknown>]> = [
        [
          'bind own queue to the room events',
          (ch) => ch.bindQueue(bot.amqp.queue, 'happychat.room.events', `room.${otherRoomId}.user.*`),
        ],
        [
          'bind own queue to an inbox',
          (ch) => ch.bindQueue(bot.amqp.queue, `happychat.inbox.${alice.id}`, ''),
        ],
        ['declare a queue', (ch) => ch.assertQueue('happychat.bot.mine', { durable: false })],
        ['declare an exchange', (ch) => ch.assertExchange('happychat.mine', 'fanout')],
        ['delete its queue', (ch) => ch.deleteQueue(bot.amqp.queue)],
      ];
      for (const [what, attempt] of attempts) {
        const ch = await conn.createChannel();
        ch.on('error', () => undefined);
        await expect(attempt(ch)).rejects.toThrow(/ACCESS_REFUSED|403/);
        void what;
      }
    } finally {
      await conn.close().catch(() => undefined);
    }
    const stored = await api<{ messages: Array<{ clientMsgId: string }> }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/messages`,
      {
        token: alice.token,
      },
    );
    expect(stored.body.messages.map((m) => m.clientMsgId)).not.toContain('forged');
  }, 60_000);

  it('removed from a room, the bot hears no more of it', async () => {
    const removed = await api(
      sys.baseUrl,
      'DELETE',
      `/api/v1/rooms/${roomId}/integrations/${bot.integration.id}`,
      {
        token: alice.token,
      },
    );
    expect(removed.status).toBe(204);
    await events.waitFor((e) => e.type === 'user.membership.removed' && e.roomId === roomId, 'its removal');
    const after = await sendHttp(sys.baseUrl, alice, roomId, 'said after the bot left', 'after-removal');
    // A marker in a room it is still in: once it arrives, the earlier message would have too.
    const added = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${otherRoomId}/integrations`, {
      token: bob.token,
      body: { integrationId: bot.integration.id },
    });
    expect(added.status).toBe(201);
    const marker = await sendHttp(sys.baseUrl, bob, otherRoomId, 'marker', 'marker');
    await events.waitFor(
      (e) => e.type === 'message.created' && (e.message as { id: string }).id === marker.id,
      'marker',
    );
    expect(
      events.events.some(
        (e) => e.type === 'message.created' && (e.message as { id: string }).id === after.id,
      ),
    ).toBe(false);
  }, 30_000);

  it('rotated credentials replace the old ones at once; revoked ones stop everything', async () => {
    // A connection made with the old password is closed by the rotation (amqplib answers the
    // broker's connection.close at once; amqp-consume only notices when the socket goes).
    events.stop();
    // Wrapped in an object: awaiting a bare promise of a promise would wait for the close.
    const connectAs = async (creds: Credentials): Promise<{ closed: Promise<string> }> => {
      const conn = await amqp.connect(creds.amqp.url);
      conn.on('error', () => undefined);
      return {
        closed: new Promise<string>((resolve) =>
          conn.on('close', (err?: Error) => resolve(String(err?.message))),
        ),
      };
    };
    const oldConnection = await connectAs(bot);
    const rotated = await api<Credentials>(
      sys.baseUrl,
      'POST',
      `/api/v1/admin/integrations/${bot.integration.id}/credentials`,
      { token: admin },
    );
    expect(rotated.status).toBe(201);
    expect(rotated.body.amqp.password).not.toBe(bot.amqp.password);
    await expect(oldConnection.closed).resolves.toMatch(/CONNECTION_FORCED/);
    const old = await send(bot, otherRoomId, { clientMsgId: 'old-password', content: 'hi' });
    expect(old.code).not.toBe(0);
    expect(old.stderr).toMatch(/ACCESS_REFUSED|login/i);

    const fresh = { ...bot, amqp: rotated.body.amqp };
    expect(
      (await send(fresh, otherRoomId, { clientMsgId: 'new-password', content: 'still here' })).code,
    ).toBe(0);
    events = new Consumer(fresh.amqp.url, fresh.amqp.queue);
    await events.waitFor(
      (e) => e.type === 'bot.message.sent' && e.clientMsgId === 'new-password',
      'post with the new password',
    );
    events.stop();

    const freshConnection = await connectAs(fresh);
    const revoked = await api(sys.baseUrl, 'DELETE', `/api/v1/admin/integrations/${bot.integration.id}`, {
      token: admin,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: bot.integration.id, revokedAt: expect.any(String) });
    await expect(freshConnection.closed).resolves.toMatch(/CONNECTION_FORCED/);
    // It leaves the rooms it was in.
    await eventually(async () => {
      const detail = await api<{ members: Array<{ userId: string }> }>(
        sys.baseUrl,
        'GET',
        `/api/v1/rooms/${otherRoomId}`,
        {
          token: bob.token,
        },
      );
      return !detail.body.members.some((m) => m.userId === bot.integration.id);
    }, 10_000);
    expect((await send(fresh, otherRoomId, { clientMsgId: 'revoked', content: 'hi' })).code).not.toBe(0);
    const readd = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/integrations`, {
      token: alice.token,
      body: { integrationId: bot.integration.id },
    });
    expect(readd.status).toBe(410);
    expect(readd.body).toMatchObject({ code: 'integration.revoked' });
    const again = await api(
      sys.baseUrl,
      'POST',
      `/api/v1/admin/integrations/${bot.integration.id}/credentials`,
      {
        token: admin,
      },
    );
    expect(again.status).toBe(410);
    const dir = await api<{ integrations: Array<{ id: string }> }>(
      sys.baseUrl,
      'GET',
      '/api/v1/integrations',
      {
        token: alice.token,
      },
    );
    expect(dir.body.integrations.map((i) => i.id)).not.toContain(bot.integration.id);
  }, 60_000);
});

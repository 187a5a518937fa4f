import { randomBytes, randomUUID } from 'node:crypto';
import amqp, { ChannelModel, ConfirmChannel } from 'amqplib';
import { Client } from 'pg';
import { botQueue, Exchanges, inboxExchange, IntegrationCredentialsView, RoutingKeys } from '@app/contracts';
import { ConfigValidationError } from '@app/common';
import { createTestDatabase, createTestVhost, eventually, Isolated } from '../../../../test/support/infra';
import { UsageError } from '@app/common';
import { runDeletePersonInboxes } from './delete-person-inboxes-command';
import { runIntegrationsCommand } from './integrations-command';

/**
 * The upgrade one-off against a real PostgreSQL and RabbitMQ: people's inboxes go, an
 * integration's inbox and queue stay and still hear its rooms.
 */
describe('delete-person-inboxes CLI', () => {
  let db: Isolated;
  let vhost: Isolated;
  let env: NodeJS.ProcessEnv;
  let broker: ChannelModel;
  let ch: ConfirmChannel;
  let bot: string;
  const room = randomUUID();
  // One of each kind of person; `absent` never had an inbox (never connected).
  const people = {
    user: randomUUID(),
    admin: randomUUID(),
    guest: randomUUID(),
    absent: randomUUID(),
    // Still delivered to by a gateway of the previous release: a queue is bound to their inbox.
    onOldGateway: randomUUID(),
  };
  const oldGatewayQueue = `happychat.gateway.old-${randomBytes(4).toString('hex')}`;

  /** Whether the exchange exists; asked on a channel of its own (a 404 closes the channel). */
  async function exchangeExists(name: string): Promise<boolean> {
    const probe = await broker.createChannel();
    probe.on('error', () => undefined);
    try {
      await probe.checkExchange(name);
      await probe.close();
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return false;
      throw err;
    }
  }

  /** What the room service did for every member: the inbox, bound to their user key and the room. */
  async function bindInbox(userId: string): Promise<void> {
    await ch.assertExchange(inboxExchange(userId), 'fanout', { durable: true });
    await ch.bindExchange(inboxExchange(userId), Exchanges.USER_EVENTS, RoutingKeys.userEvent(userId));
    await ch.bindExchange(inboxExchange(userId), Exchanges.ROOM_EVENTS, RoutingKeys.roomBinding(room));
  }

  async function publish(exchange: string, key: string, body: unknown): Promise<void> {
    ch.publish(exchange, key, Buffer.from(JSON.stringify(body)));
    await ch.waitForConfirms();
  }

  /** The next message in the queue, waiting for it a little. */
  async function next(queue: string): Promise<{ key: string; body: unknown }> {
    const msg = await eventually(async () => {
      const got = await ch.get(queue, { noAck: true });
      if (!got) throw new Error(`nothing in ${queue}`);
      return got;
    });
    return { key: msg.fields.routingKey, body: JSON.parse(msg.content.toString()) as unknown };
  }

  beforeAll(async () => {
    [db, vhost] = await Promise.all([
      createTestDatabase('hc_int_inboxes'),
      createTestVhost('hc_int_inboxes'),
    ]);
    env = { DATABASE_URL: db.url, AMQP_URL: vhost.url, JWT_SECRET: randomBytes(32).toString('base64url') };
    // A real integration, as the operator makes one (this also migrates the auth schema): its
    // account, integrations row, broker user, inbox and queue.
    const created = (await runIntegrationsCommand(
      ['create', 'Deploy bot'],
      env,
    )) as IntegrationCredentialsView;
    bot = created.integration.id;

    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    for (const [name, id] of Object.entries(people)) {
      const role = name === 'admin' || name === 'guest' ? name : 'user';
      await pg.query(
        `INSERT INTO "auth"."users" ("id", "username", "username_key", "display_name", "display_name_key",
           "status_text", "password_hash", "role", "created_at")
         VALUES ($1, $2, $3, $2, $3, '', 'x', $4, now())`,
        [id, `${name}-${id.slice(0, 8)}`, `${name.toLowerCase()}-${id.slice(0, 8)}`, role],
      );
    }
    await pg.end();

    broker = await amqp.connect(vhost.url);
    broker.on('error', () => undefined);
    ch = await broker.createConfirmChannel();
    for (const [name, id] of Object.entries(people)) if (name !== 'absent') await bindInbox(id);
    await bindInbox(bot);
    await ch.assertQueue(oldGatewayQueue, { exclusive: true });
    await ch.bindQueue(oldGatewayQueue, inboxExchange(people.onOldGateway), '');
  });

  afterAll(async () => {
    await broker?.close().catch(() => undefined);
    await Promise.all([db?.drop(), vhost?.drop()]);
  });

  it.each([
    [['--frobnicate'], /Unknown option/],
    [['delete'], /positional/],
    [['--batch-size', '0'], /--batch-size must be/],
    [['--batch-size', '2x'], /--batch-size must be/],
    [['--batch-size', '10001'], /--batch-size must be/],
  ])('refuses %j with usage help', async (argv, message) => {
    const run = runDeletePersonInboxes(argv, { env });
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(message);
  });

  it('validates the configuration as the auth service does', async () => {
    await expect(runDeletePersonInboxes(['--dry-run'], { env: { ...env, JWT_SECRET: '' } })).rejects.toThrow(
      ConfigValidationError,
    );
    await expect(
      runDeletePersonInboxes(['--dry-run'], {
        env: { ...env, ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'short' },
      }),
    ).rejects.toThrow(/ADMIN_PASSWORD/);
  });

  it('counts in a dry run and touches nothing', async () => {
    const pages: number[] = [];
    const result = await runDeletePersonInboxes(['--dry-run', '--batch-size', '2'], {
      env,
      onProgress: (p) => pages.push(p.accounts),
    });
    expect(result).toEqual({
      dryRun: true,
      accounts: 6,
      people: 5,
      integrations: 1,
      deleted: 0,
      inUse: 0,
      inUseSample: [],
    });
    expect(pages).toEqual([2, 4, 6]);
    for (const id of [people.user, people.admin, people.guest, bot])
      expect(await exchangeExists(inboxExchange(id))).toBe(true);
  });

  it("deletes people's inboxes, keeps one a queue still hangs off, and the bot still hears its room", async () => {
    const result = await runDeletePersonInboxes(['--batch-size', '2'], { env });
    for (const id of [people.user, people.admin, people.guest, people.absent])
      expect(await exchangeExists(inboxExchange(id))).toBe(false);
    // Kept whatever the database says: a gateway of the previous release still delivers from it.
    expect(await exchangeExists(inboxExchange(people.onOldGateway))).toBe(true);
    await publish(Exchanges.ROOM_EVENTS, RoutingKeys.roomEvent(room, people.user), { n: 1 });
    await expect(next(oldGatewayQueue)).resolves.toEqual({
      key: RoutingKeys.roomEvent(room, people.user),
      body: { n: 1 },
    });

    expect(await exchangeExists(inboxExchange(bot))).toBe(true);
    await expect(next(botQueue(bot))).resolves.toEqual({
      key: RoutingKeys.roomEvent(room, people.user),
      body: { n: 1 },
    });
    await publish(Exchanges.USER_EVENTS, RoutingKeys.userEvent(bot), { n: 2 });
    await expect(next(botQueue(bot))).resolves.toEqual({ key: RoutingKeys.userEvent(bot), body: { n: 2 } });
    // Counted last: what the broker does matters first.
    expect(result).toEqual({
      dryRun: false,
      accounts: 6,
      people: 5,
      integrations: 1,
      deleted: 4,
      inUse: 1,
      inUseSample: [people.onOldGateway],
    });
  });

  it('finishes the job when run again once that gateway is gone, and changes nothing more after', async () => {
    await ch.deleteQueue(oldGatewayQueue);
    const results = [];
    for (let run = 0; run < 2; run++) {
      results.push(await runDeletePersonInboxes([], { env }));
      expect(await exchangeExists(inboxExchange(people.onOldGateway))).toBe(false);
    }
    expect(await exchangeExists(inboxExchange(bot))).toBe(true);
    await expect(ch.checkQueue(botQueue(bot))).resolves.toMatchObject({ messageCount: 0 });
    await publish(Exchanges.ROOM_EVENTS, RoutingKeys.roomEvent(room, people.admin), { n: 3 });
    await expect(next(botQueue(bot))).resolves.toEqual({
      key: RoutingKeys.roomEvent(room, people.admin),
      body: { n: 3 },
    });
    for (const result of results)
      expect(result).toMatchObject({ accounts: 6, people: 5, integrations: 1, deleted: 5, inUse: 0 });
  });
});

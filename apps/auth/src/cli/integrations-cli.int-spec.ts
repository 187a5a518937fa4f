import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { IntegrationCredentialsView, IntegrationView } from '@app/contracts';
import { createTestDatabase, createTestVhost, Isolated } from '../../../../test/support/infra';
import { UsageError } from '@app/common';
import { runIntegrationsCommand } from './integrations-command';

/** The operator's CLI against a real PostgreSQL and RabbitMQ (its management API included). */
describe('integrations CLI', () => {
  let db: Isolated;
  let vhost: Isolated;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    [db, vhost] = await Promise.all([createTestDatabase('hc_int_cli'), createTestVhost('hc_int_cli')]);
    env = { DATABASE_URL: db.url, AMQP_URL: vhost.url, JWT_SECRET: randomBytes(32).toString('base64url') };
  });

  afterAll(async () => {
    await Promise.all([db?.drop(), vhost?.drop()]);
  });

  it.each([
    [[], /no command/],
    [['frobnicate'], /unknown command/],
    [['create'], /exactly one name/],
    [['rotate', 'a', 'b'], /exactly one id/],
    [['list', 'x'], /no argument/],
  ])('refuses %j with usage help', async (argv, message) => {
    await expect(runIntegrationsCommand(argv, env)).rejects.toThrow(UsageError);
    await expect(runIntegrationsCommand(argv, env)).rejects.toThrow(message);
  });

  it('creates a bot that can consume its queue, ensures it again with new credentials, and revokes it', async () => {
    const created = (await runIntegrationsCommand(
      ['create', 'Deploy bot 🚀'],
      env,
    )) as IntegrationCredentialsView;
    expect(created.integration).toMatchObject({
      name: 'Deploy bot 🚀',
      createdBy: '00000000-0000-0000-0000-000000000000',
    });
    const conn = await amqp.connect(created.amqp.url);
    conn.on('error', () => undefined);
    const closed = new Promise<string>((resolve) =>
      conn.on('close', (err?: Error) => resolve(String(err?.message))),
    );
    const ch = await conn.createChannel();
    await expect(ch.checkQueue(created.amqp.queue)).resolves.toMatchObject({ queue: created.amqp.queue });

    const ensured = (await runIntegrationsCommand(
      ['ensure', 'Deploy bot 🚀', '--json'],
      env,
    )) as IntegrationCredentialsView;
    expect(ensured.integration.id).toBe(created.integration.id);
    expect(ensured.amqp.password).not.toBe(created.amqp.password);
    await expect(closed).resolves.toMatch(/CONNECTION_FORCED/);

    await expect(runIntegrationsCommand(['create', '   '], env)).rejects.toThrow(/name must be/);
    const revoked = (await runIntegrationsCommand(
      ['revoke', created.integration.id],
      env,
    )) as IntegrationView;
    expect(revoked.revokedAt).toEqual(expect.any(String));
    await expect(amqp.connect(ensured.amqp.url)).rejects.toThrow(/ACCESS_REFUSED|403/);
    const listed = (await runIntegrationsCommand(['list'], env)) as { integrations: IntegrationView[] };
    expect(listed.integrations).toEqual([
      expect.objectContaining({ id: created.integration.id, revokedAt: revoked.revokedAt }),
    ]);
  }, 30_000);
});

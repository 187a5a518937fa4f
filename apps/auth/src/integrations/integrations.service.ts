import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  AuthErrorCode,
  CommonErrorCode,
  Exchanges,
  INTEGRATION_NAME_MAX,
  INTEGRATION_REVOCATIONS_ROUTING_KEY,
  IntegrationEvents,
  IntegrationRevokedEvent,
  IntegrationCredentialsView,
  IntegrationDirectoryView,
  IntegrationErrorCode,
  IntegrationListView,
  IntegrationSummaryView,
  IntegrationView,
  botBrokerUser,
  botQueue,
} from '@app/contracts';
import { AppException, uuidv7 } from '@app/common';
import { AmqpConnection, InboxBindings } from '@app/messaging';
import { AuthConfig } from '../auth.config';
import { searchKey, usernameKey } from '../accounts/username';
import { BrokerAdmin, brokerUnavailable } from './broker-admin';
import { IntegrationEntity } from './entities/integration.entity';
import { toIntegrationSummaryView, toIntegrationView } from './integrations.mapper';
import { IntegrationsRepository } from './integrations.repository';

/** Stored as a bot's password hash: not an argon2 string, so no password verifies against it. */
export const BOT_PASSWORD_HASH = '!bot';

/** Who asks: an admin by user id (checked against the database), or the operator's CLI. */
export type IntegrationActor = { userId: string } | 'operator';

/**
 * Integration (bot) accounts. A bot is a user with role `bot` (so rooms treat it as a member)
 * whose only way in is its own RabbitMQ user. Its password is generated here, handed out once
 * and never stored: the broker keeps only its hash.
 */
@Injectable()
export class IntegrationsService {
  constructor(
    private readonly repository: IntegrationsRepository,
    private readonly broker: BrokerAdmin,
    private readonly inboxes: InboxBindings,
    private readonly amqp: AmqpConnection,
    private readonly config: AuthConfig,
  ) {}

  async create(actor: IntegrationActor, rawName: string): Promise<IntegrationCredentialsView> {
    const createdBy = await this.requireAdmin(actor);
    const name = integrationName(rawName);
    const now = new Date();
    const id = uuidv7(now.getTime());
    const username = `bot-${id.replace(/-/g, '').slice(-12)}`;
    const integration: IntegrationEntity = {
      id,
      name,
      nameKey: searchKey(name),
      brokerUsername: botBrokerUser(id),
      createdBy,
      createdAt: now,
      credentialsIssuedAt: now,
      revokedAt: null,
    };
    const created = await this.repository.create(
      {
        id,
        username,
        usernameKey: usernameKey(username),
        displayName: name,
        displayNameKey: searchKey(name),
        statusText: '',
        passwordHash: BOT_PASSWORD_HASH,
        role: 'bot',
        createdAt: now,
        deactivatedAt: null,
      },
      integration,
    );
    if (created === 'name_taken') {
      throw new AppException(IntegrationErrorCode.NAME_TAKEN, 'An integration with this name exists already');
    }
    const password = newPassword();
    try {
      // The queue first: a bot that connects the moment it has its password finds it there.
      await this.inboxes.ensureBotQueue(id);
      await this.broker.provision(integration.brokerUsername, password, id);
    } catch (err) {
      await this.broker.remove(integration.brokerUsername).catch(() => undefined);
      await this.inboxes.deleteBotQueue(id).catch(() => undefined);
      await this.repository.deleteCreated(id);
      throw err instanceof AppException ? err : brokerUnavailable();
    }
    return this.credentials(integration, password);
  }

  async list(actor: IntegrationActor): Promise<IntegrationListView> {
    await this.requireAdmin(actor);
    return { integrations: (await this.repository.list()).map(toIntegrationView) };
  }

  async directory(): Promise<IntegrationDirectoryView> {
    return { integrations: (await this.repository.listLive()).map(toIntegrationSummaryView) };
  }

  async get(id: string): Promise<IntegrationSummaryView> {
    return toIntegrationSummaryView(await this.requireLive(id));
  }

  async rotate(actor: IntegrationActor, id: string): Promise<IntegrationCredentialsView> {
    await this.requireAdmin(actor);
    const integration = await this.requireLive(id);
    const password = newPassword();
    // Also repairs a queue or permissions an operator may have removed.
    await this.inboxes.ensureBotQueue(id).catch(() => {
      throw brokerUnavailable();
    });
    await this.broker.reissue(integration.brokerUsername, password, id);
    const at = new Date();
    await this.repository.markRotated(id, at);
    return this.credentials({ ...integration, credentialsIssuedAt: at }, password);
  }

  /** Idempotent: revoking a revoked integration answers with it as it is. */
  async revoke(actor: IntegrationActor, id: string): Promise<IntegrationView> {
    await this.requireAdmin(actor);
    const existing = await this.repository.find(id);
    if (!existing) throw notFound();
    // The broker first: once this returns, the bot can neither publish nor receive.
    await this.broker.remove(existing.brokerUsername);
    await this.inboxes.deleteBotQueue(id).catch(() => undefined);
    const revoked = existing.revokedAt ? existing : await this.repository.revoke(id, new Date());
    // Every time, so revoking again finishes what a lost announcement left undone.
    const event: IntegrationRevokedEvent = {
      type: IntegrationEvents.INTEGRATION_REVOKED,
      v: 1,
      eventId: uuidv7(),
      occurredAt: new Date().toISOString(),
      integrationId: id,
    };
    await this.amqp.publish(Exchanges.USER_EVENTS, INTEGRATION_REVOCATIONS_ROUTING_KEY, event, {
      type: event.type,
      messageId: event.eventId,
      persistent: true,
    });
    return toIntegrationView(revoked ?? existing);
  }

  private credentials(integration: IntegrationEntity, password: string): IntegrationCredentialsView {
    const base = new URL(this.config.INTEGRATIONS_AMQP_URL || this.config.AMQP_URL);
    const vhost = this.broker.vhost;
    base.username = encodeURIComponent(integration.brokerUsername);
    base.password = encodeURIComponent(password);
    base.pathname = `/${encodeURIComponent(vhost)}`;
    return {
      integration: toIntegrationView(integration),
      amqp: {
        url: base.toString(),
        vhost,
        username: integration.brokerUsername,
        password,
        exchange: Exchanges.INTEGRATIONS,
        queue: botQueue(integration.id),
      },
    };
  }

  private async requireLive(id: string): Promise<IntegrationEntity> {
    const integration = await this.repository.find(id);
    if (!integration) throw notFound();
    if (integration.revokedAt)
      throw new AppException(IntegrationErrorCode.REVOKED, 'This integration was revoked');
    return integration;
  }

  private async requireAdmin(actor: IntegrationActor): Promise<string> {
    if (actor === 'operator') return OPERATOR_ID;
    const user = await this.repository.findUser(actor.userId);
    if (!user || user.role !== 'admin' || user.deactivatedAt) {
      throw new AppException(AuthErrorCode.FORBIDDEN, 'Only an administrator may manage integrations');
    }
    return user.id;
  }
}

/** Recorded as the creator of integrations made with the CLI (the nil UUID: no account). */
export const OPERATOR_ID = '00000000-0000-0000-0000-000000000000';

/** NFC, trimmed, 1-50 characters: checked here too because the CLI does not go through a command. */
function integrationName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  const length = [...name].length;
  if (length === 0 || length > INTEGRATION_NAME_MAX || name.includes('\u0000')) {
    throw new AppException(
      CommonErrorCode.VALIDATION_FAILED,
      `name must be 1-${INTEGRATION_NAME_MAX} characters`,
      [{ field: 'name', reason: `1-${INTEGRATION_NAME_MAX} characters of text` }],
    );
  }
  return name;
}

function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

function notFound(): AppException {
  return new AppException(IntegrationErrorCode.NOT_FOUND, 'No such integration');
}

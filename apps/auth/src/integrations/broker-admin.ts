import { Logger } from '@nestjs/common';
import { Exchanges, IntegrationErrorCode, botQueue } from '@app/contracts';
import { AppException } from '@app/common';

export interface BrokerAdminOptions {
  /** RabbitMQ management API, credentials in the URL: `http://user:pass@host:15672`. */
  managementUrl: string;
  /** The vhost the product's topology lives in. */
  vhost: string;
  timeoutMs: number;
}

/** A room id as the services write it: lower-case hex UUID. */
const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What an integration's broker user may do, as RabbitMQ permissions. Resource permissions: no
 * configure (it declares and binds nothing), write only the integrations exchange, read only its
 * own queue. Topic permissions on the integrations exchange: publish only with routing keys that
 * carry its own id, `room.<roomId>.user.<botId>`. Which rooms it hears is decided by us, through
 * the bindings of its inbox (its memberships), not by anything it can declare.
 */
export function integrationPermissions(botId: string): {
  configure: string;
  write: string;
  read: string;
  topic: { exchange: string; write: string; read: string };
} {
  return {
    configure: '^$',
    write: `^${escape(Exchanges.INTEGRATIONS)}$`,
    read: `^${escape(botQueue(botId))}$`,
    topic: {
      exchange: Exchanges.INTEGRATIONS,
      write: `^room\\.${UUID_PATTERN}\\.user\\.${escape(botId)}$`,
      read: '^$',
    },
  };
}

/**
 * A small client for the parts of RabbitMQ's management HTTP API that provision integration
 * users. Every call is bounded by a timeout; any failure is `integration.broker_unavailable`.
 */
export class BrokerAdmin {
  private readonly logger = new Logger('BrokerAdmin');
  private readonly base: string;
  private readonly authorization: string;

  constructor(private readonly options: BrokerAdminOptions) {
    const url = new URL(options.managementUrl);
    this.authorization = `Basic ${Buffer.from(
      `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
    ).toString('base64')}`;
    url.username = '';
    url.password = '';
    this.base = url.toString().replace(/\/$/, '');
  }

  get vhost(): string {
    return this.options.vhost;
  }

  /** Create or update the user with this password and set its permissions in our vhost. */
  async provision(username: string, password: string, botId: string): Promise<void> {
    const perms = integrationPermissions(botId);
    const vhost = encodeURIComponent(this.options.vhost);
    const user = encodeURIComponent(username);
    await this.call('PUT', `/api/users/${user}`, { password, tags: '' });
    await this.call('PUT', `/api/permissions/${vhost}/${user}`, {
      configure: perms.configure,
      write: perms.write,
      read: perms.read,
    });
    await this.call('PUT', `/api/topic-permissions/${vhost}/${user}`, perms.topic);
  }

  /**
   * A new password. The user is deleted and made again: RabbitMQ closes a deleted user's
   * connections itself ("user is deleted"), so nothing opened with the old password survives.
   * (Updating the user in place leaves its connections open, and RabbitMQ 3.10 then no longer
   * finds them to close through this API: seen here.)
   */
  async reissue(username: string, password: string, botId: string): Promise<void> {
    await this.remove(username);
    await this.provision(username, password, botId);
  }

  /** Delete the user (idempotent); the broker closes its connections. */
  async remove(username: string): Promise<void> {
    await this.call('DELETE', `/api/users/${encodeURIComponent(username)}`, undefined, [404]);
  }

  private async call(method: string, path: string, body?: unknown, okStatuses: number[] = []): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: this.authorization,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      this.logger.warn(`${method} ${path}: ${(err as Error).message}`);
      throw brokerUnavailable();
    }
    if (res.ok || okStatuses.includes(res.status)) {
      await res.arrayBuffer().catch(() => undefined);
      return;
    }
    const text = await res.text().catch(() => '');
    this.logger.warn(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
    throw brokerUnavailable();
  }
}

export function brokerUnavailable(): AppException {
  return new AppException(
    IntegrationErrorCode.BROKER_UNAVAILABLE,
    'The message broker did not accept the change; nothing was changed, try again',
  );
}

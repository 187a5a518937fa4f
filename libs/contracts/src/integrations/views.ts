/** An integration (bot) account, as admins see it. Its `id` is also its user id in rooms. */
export interface IntegrationView {
  id: string;
  name: string;
  /** The RabbitMQ user the integration connects as. */
  brokerUsername: string;
  createdBy: string;
  createdAt: string;
  /** When the current password was issued. */
  credentialsIssuedAt: string;
  /** Set once revoked: the broker user is gone and the bot can no longer connect. */
  revokedAt?: string;
}

export interface IntegrationListView {
  integrations: IntegrationView[];
}

/** Everything a bot needs to connect: shown once at creation and at each rotation, never stored. */
export interface IntegrationCredentialsView {
  integration: IntegrationView;
  amqp: {
    /** Ready to use, password included. */
    url: string;
    vhost: string;
    username: string;
    password: string;
    /** Publish `bot.*` commands here with routing key `room.<roomId>.user.<botId>`. */
    exchange: string;
    /** The integration's own durable queue: events of its rooms and results of its commands. */
    queue: string;
  };
}

/** What any signed-in user may see of an active integration (to add it to a room). */
export interface IntegrationSummaryView {
  id: string;
  name: string;
}

export interface IntegrationDirectoryView {
  integrations: IntegrationSummaryView[];
}

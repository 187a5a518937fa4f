import { Channel } from 'amqplib';
import {
  AuthCommands,
  CommandType,
  Exchanges,
  FriendCommands,
  HistoryCommands,
  IntegrationCommands,
  INTEGRATION_REVOCATIONS_ROUTING_KEY,
  MessageCommands,
  ModerationCommands,
  PresenceCommands,
  PushCommands,
  Queues,
  ReadCommands,
  RoomCommands,
  RoomIntegrationCommands,
  SESSION_REVOCATIONS_ROUTING_KEY,
  TopicCommands,
  botQueue,
  inboxExchange,
} from '@app/contracts';

/**
 * The broker topology, declared once. Services assert it at every connect (idempotent), and
 * `rabbitmq/definitions.json` is generated from it (`npm run definitions`), so an operator can
 * pre-create it and a test keeps the two equal.
 */
export const ExchangeDeclarations = [
  { name: Exchanges.ROOM_EVENTS, type: 'topic' },
  { name: Exchanges.ROOM_FANOUT, type: 'direct' },
  { name: Exchanges.USER_EVENTS, type: 'topic' },
  { name: Exchanges.COMMANDS, type: 'direct' },
  { name: Exchanges.PRESENCE, type: 'fanout' },
  { name: Exchanges.INTEGRATIONS, type: 'topic' },
  { name: Exchanges.DEAD_LETTER, type: 'fanout' },
] as const;

/**
 * Which service queue handles which command, by bounded context: adding a command to a context's
 * constant routes it. A command with no route is refused at publish (mandatory).
 */
export const CommandRoutes: Record<string, readonly CommandType[]> = {
  [Queues.AUTH_COMMANDS]: [...Object.values(AuthCommands), ...Object.values(IntegrationCommands)],
  // The room service is the policy point for rooms and for every message operation.
  [Queues.ROOM_COMMANDS]: [
    ...Object.values(RoomCommands),
    ...Object.values(MessageCommands),
    ...Object.values(ReadCommands),
    ...Object.values(PresenceCommands),
    ...Object.values(FriendCommands),
    ...Object.values(ModerationCommands),
    ...Object.values(TopicCommands),
    ...Object.values(RoomIntegrationCommands),
    ...Object.values(PushCommands),
  ],
  [Queues.HISTORY_COMMANDS]: Object.values(HistoryCommands),
};

/**
 * Command queues are durable classic queues holding transient messages: a request lives only as
 * long as its caller waits (per-message TTL = the RPC timeout), so writing it to disk buys
 * nothing. Overflow is refused rather than buffered without bound.
 */
export const COMMAND_QUEUE_ARGUMENTS = {
  'x-queue-type': 'classic',
  'x-dead-letter-exchange': Exchanges.DEAD_LETTER,
  'x-max-length': 100_000,
  'x-overflow': 'reject-publish',
} as const;

export const DEAD_LETTER_QUEUE_ARGUMENTS = { 'x-queue-type': 'quorum' } as const;

/**
 * Event queues a service shares between its instances (competing consumers). Like command
 * queues: transient messages, bounded, dead-lettered when a message cannot be processed.
 */
export const EventQueues = [
  {
    name: Queues.ROOM_PRESENCE,
    exchange: Exchanges.PRESENCE,
    key: '',
    // One consumer at a time (with failover): reports are applied in the order they were sent.
    arguments: { ...COMMAND_QUEUE_ARGUMENTS, 'x-single-active-consumer': true },
  },
  {
    name: Queues.ROOM_SESSION_REVOCATIONS,
    exchange: Exchanges.USER_EVENTS,
    key: SESSION_REVOCATIONS_ROUTING_KEY,
    arguments: COMMAND_QUEUE_ARGUMENTS,
  },
  {
    name: Queues.ROOM_INTEGRATION_REVOCATIONS,
    exchange: Exchanges.USER_EVENTS,
    key: INTEGRATION_REVOCATIONS_ROUTING_KEY,
    arguments: COMMAND_QUEUE_ARGUMENTS,
  },
  {
    name: Queues.ROOM_INTEGRATIONS,
    exchange: Exchanges.INTEGRATIONS,
    key: 'room.*.user.*',
    // A bot's command is its only copy (bots publish fire-and-forget), so it is kept on disk and
    // replicated; a command that keeps failing is dead-lettered after a few deliveries.
    arguments: {
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': Exchanges.DEAD_LETTER,
      'x-delivery-limit': 5,
      'x-max-length': 100_000,
      'x-overflow': 'reject-publish',
    },
  },
] as const;

/**
 * An integration's own queue: durable and replicated, so events wait while the bot is away, but
 * bounded (a week, 100k messages; the oldest go first) so an abandoned bot cannot fill the disk.
 */
export const BOT_QUEUE_ARGUMENTS = {
  'x-queue-type': 'quorum',
  'x-message-ttl': 7 * 24 * 3600 * 1000,
  'x-max-length': 100_000,
  'x-overflow': 'drop-head',
} as const;

/** The bot's queue bound to its inbox (which membership binds to its rooms). Idempotent. */
export async function declareBotQueue(ch: Channel, botId: string): Promise<void> {
  await ch.assertExchange(inboxExchange(botId), 'fanout', { durable: true });
  await ch.assertQueue(botQueue(botId), { durable: true, arguments: BOT_QUEUE_ARGUMENTS });
  await ch.bindQueue(botQueue(botId), inboxExchange(botId), '');
}

export async function declareEventQueue(ch: Channel, queue: string): Promise<void> {
  const spec = EventQueues.find((q) => q.name === queue);
  if (!spec) throw new Error(`${queue} is not a declared event queue`);
  await ch.assertQueue(spec.name, { durable: true, arguments: spec.arguments });
  await ch.bindQueue(spec.name, spec.exchange, spec.key);
}

export async function declareSharedTopology(ch: Channel): Promise<void> {
  for (const ex of ExchangeDeclarations) await ch.assertExchange(ex.name, ex.type, { durable: true });
  await ch.assertQueue(Queues.DEAD_LETTER, { durable: true, arguments: DEAD_LETTER_QUEUE_ARGUMENTS });
  await ch.bindQueue(Queues.DEAD_LETTER, Exchanges.DEAD_LETTER, '');
}

export async function declareCommandQueue(ch: Channel, queue: string): Promise<void> {
  await ch.assertQueue(queue, { durable: true, arguments: COMMAND_QUEUE_ARGUMENTS });
  for (const key of CommandRoutes[queue] ?? []) await ch.bindQueue(queue, Exchanges.COMMANDS, key);
}

/**
 * RabbitMQ's well-known default account. Loading definitions at boot skips creating it, so the
 * compose file's broker declares it here; the compose network is private and the broker's ports
 * are not published. A deployment on a reachable network replaces it (docs/operations.md).
 */
const COMPOSE_GUEST_USER = {
  name: 'guest',
  password_hash: 'fGe5LGYeyMxFklS57WLRi66en/sy/SCNEgrW7lys4NBdvIml',
  hashing_algorithm: 'rabbit_password_hashing_sha256',
  tags: ['administrator'],
};

/** RabbitMQ definitions (the management import format) for a vhost, generated from the above. */
export function buildDefinitions(vhost = '/'): Record<string, unknown> {
  return {
    rabbit_version: '3.10.0',
    vhosts: [{ name: vhost }],
    users: [COMPOSE_GUEST_USER],
    permissions: [{ user: COMPOSE_GUEST_USER.name, vhost, configure: '.*', write: '.*', read: '.*' }],
    exchanges: ExchangeDeclarations.map((ex) => ({
      name: ex.name,
      vhost,
      type: ex.type,
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
    })),
    queues: [
      ...Object.keys(CommandRoutes).map((name) => ({
        name,
        vhost,
        durable: true,
        auto_delete: false,
        arguments: COMMAND_QUEUE_ARGUMENTS,
      })),
      ...EventQueues.map((q) => ({
        name: q.name,
        vhost,
        durable: true,
        auto_delete: false,
        arguments: q.arguments,
      })),
      {
        name: Queues.DEAD_LETTER,
        vhost,
        durable: true,
        auto_delete: false,
        arguments: DEAD_LETTER_QUEUE_ARGUMENTS,
      },
    ],
    bindings: [
      ...Object.entries(CommandRoutes).flatMap(([queue, keys]) =>
        keys.map((key) => ({
          source: Exchanges.COMMANDS,
          vhost,
          destination: queue,
          destination_type: 'queue',
          routing_key: key,
          arguments: {},
        })),
      ),
      ...EventQueues.map((q) => ({
        source: q.exchange,
        vhost,
        destination: q.name,
        destination_type: 'queue',
        routing_key: q.key,
        arguments: {},
      })),
      {
        source: Exchanges.DEAD_LETTER,
        vhost,
        destination: Queues.DEAD_LETTER,
        destination_type: 'queue',
        routing_key: '',
        arguments: {},
      },
    ],
  };
}

/**
 * Broker names. The whole topology is declared from these constants (libs/messaging) and
 * mirrored in rabbitmq/definitions.json; a test keeps the two equal.
 */
export const Exchanges = {
  /**
   * Topic. Room events for integrations' inboxes, keyed `room.<roomId>.user.<senderId>`: every
   * event but `message.created` in a room that has no integration (see ROOM_FANOUT).
   */
  ROOM_EVENTS: 'happychat.room.events',
  /**
   * Direct. Every room event, for gateways, keyed `room.<roomId>`. A message may carry several
   * events of several rooms ({@link ROOM_FANOUT_CONTENT_TYPE}); it is routed with its first room's
   * key and the others' in its `CC` header, so a queue bound to any of them gets one copy.
   */
  ROOM_FANOUT: 'happychat.room.fanout',
  /** Topic. Events addressed to one user (all of their devices), keyed `user.<userId>`. */
  USER_EVENTS: 'happychat.user.events',
  /** Direct. Commands (RPC requests) keyed by the command type, e.g. `message.send`. */
  COMMANDS: 'happychat.commands',
  /** Fanout. Gateways report who is connected to them; the presence tracker listens. */
  PRESENCE: 'happychat.presence',
  /**
   * Topic. Commands published by integrations (bots), keyed `room.<roomId>.user.<botId>`; the
   * broker's topic permissions let each bot publish only under its own id.
   */
  INTEGRATIONS: 'happychat.integrations',
  /** Fanout. Where rejected command and event messages go, with the reason in headers. */
  DEAD_LETTER: 'happychat.dead-letter',
} as const;

/** Per-user inbox: a fanout exchange bound to the rooms the user belongs to and to their user key. */
export const INBOX_EXCHANGE_PREFIX = 'happychat.inbox.';

export const Queues = {
  AUTH_COMMANDS: 'happychat.auth.commands',
  ROOM_COMMANDS: 'happychat.room.commands',
  HISTORY_COMMANDS: 'happychat.history.commands',
  DEAD_LETTER: 'happychat.dead-letter',
  /** Integration revocations, so the room service takes a revoked bot out of its rooms. */
  ROOM_INTEGRATION_REVOCATIONS: 'happychat.room.integration-revocations',
  /** Session revocations, so the room service forgets a revoked device's push subscription. */
  ROOM_SESSION_REVOCATIONS: 'happychat.room.session-revocations',
  /** Gateway presence reports, shared by the room service instances (state lives in PostgreSQL). */
  ROOM_PRESENCE: 'happychat.room.presence',
  /** Bot commands from `happychat.integrations`, shared by the room service instances. */
  ROOM_INTEGRATIONS: 'happychat.room.integrations',
  /** Each integration's own durable queue, bound to its inbox: `happychat.bot.<botId>`. */
  BOT_PREFIX: 'happychat.bot.',
  /** Each gateway instance owns one exclusive, transient queue. */
  GATEWAY_PREFIX: 'happychat.gateway.',
} as const;

export const RoutingKeys = {
  roomEvent: (roomId: string, userId: string): string => `room.${roomId}.user.${userId}`,
  /** What a member's inbox binds to receive everything said in a room. */
  roomBinding: (roomId: string): string => `room.${roomId}.user.*`,
  /** A room's key on `happychat.room.fanout`, and what a gateway binds to hear the room. */
  roomFanout: (roomId: string): string => `room.${roomId}`,
  userEvent: (userId: string): string => `user.${userId}`,
} as const;

/**
 * The body of a message on `happychat.room.fanout`: one line per event, in publish order,
 * `<roomId> <event JSON>\n` (JSON.stringify never writes a raw newline). A gateway hands each
 * event's bytes to its sockets as they are, without parsing the JSON.
 */
export const ROOM_FANOUT_CONTENT_TYPE = 'application/vnd.happychat.room-events.v1';

export const inboxExchange = (userId: string): string => `${INBOX_EXCHANGE_PREFIX}${userId}`;
export const botQueue = (botId: string): string => `${Queues.BOT_PREFIX}${botId}`;
/** The RabbitMQ user an integration connects as. */
export const botBrokerUser = (botId: string): string => `happychat-bot-${botId}`;
export const gatewayQueue = (instanceId: string): string => `${Queues.GATEWAY_PREFIX}${instanceId}`;

/** Parse `room.<roomId>.user.<userId>`; null when the key has another shape. */
export function parseRoomEventKey(key: string): { roomId: string; userId: string } | null {
  const parts = key.split('.');
  if (parts.length !== 4 || parts[0] !== 'room' || parts[2] !== 'user') return null;
  return { roomId: parts[1], userId: parts[3] };
}

/** Parse `user.<userId>`; null when the key has another shape. */
export function parseUserEventKey(key: string): { userId: string } | null {
  const parts = key.split('.');
  if (parts.length !== 2 || parts[0] !== 'user') return null;
  return { userId: parts[1] };
}

import type { EventBase } from '../event-base';

/**
 * Outcomes of a bot's commands, published to `happychat.user.events` with key `user.<botId>`,
 * so they arrive on the bot's own queue beside the events of its rooms. The AMQP
 * `correlation_id` of the command is copied onto them.
 */
export const IntegrationEvents = {
  BOT_MESSAGE_SENT: 'bot.message.sent',
  BOT_COMMAND_FAILED: 'bot.command.failed',
} as const;

export interface BotMessageSentEvent extends EventBase {
  type: typeof IntegrationEvents.BOT_MESSAGE_SENT;
  roomId: string;
  clientMsgId: string;
  messageId: string;
  seq: number;
  createdAt: string;
  /** True when this clientMsgId was already stored: nothing new was posted. */
  duplicate: boolean;
}

export interface BotCommandFailedEvent extends EventBase {
  type: typeof IntegrationEvents.BOT_COMMAND_FAILED;
  /** The command's `type`, when it could be read. */
  commandType?: string;
  roomId?: string;
  clientMsgId?: string;
  /** The same codes people get (e.g. `room.not_member`, `room.muted`, `common.rate_limited`). */
  error: { code: string; message: string; details?: Array<{ field?: string; reason: string }> };
}

export type IntegrationDomainEvent = BotMessageSentEvent | BotCommandFailedEvent;

import { Equals, IsISO8601, IsString, MaxLength } from 'class-validator';
import type { EventBase } from '../event-base';
import { IsId } from '../ids';

/**
 * Outcomes of a bot's commands, published to `happychat.user.events` with key `user.<botId>`,
 * so they arrive on the bot's own queue beside the events of its rooms. The AMQP
 * `correlation_id` of the command is copied onto them.
 */
export const IntegrationEvents = {
  BOT_MESSAGE_SENT: 'bot.message.sent',
  BOT_COMMAND_FAILED: 'bot.command.failed',
  /** An admin revoked an integration: the rooms it was in let it go. */
  INTEGRATION_REVOKED: 'integration.revoked',
} as const;

/** `integration.revoked` goes to `happychat.user.events` under this key, which no inbox binds. */
export const INTEGRATION_REVOCATIONS_ROUTING_KEY = 'integrations.revoked';

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

export interface IntegrationRevokedEvent extends EventBase {
  type: typeof IntegrationEvents.INTEGRATION_REVOKED;
  integrationId: string;
}

/** `integration.revoked` as the room service validates it. */
export class IntegrationRevokedNotice implements IntegrationRevokedEvent {
  @Equals(IntegrationEvents.INTEGRATION_REVOKED) type: typeof IntegrationEvents.INTEGRATION_REVOKED;
  @Equals(1) v: 1;
  @IsString() @MaxLength(64) eventId: string;
  @IsISO8601() occurredAt: string;
  @IsId() integrationId: string;
}

export type IntegrationDomainEvent = BotMessageSentEvent | BotCommandFailedEvent | IntegrationRevokedEvent;

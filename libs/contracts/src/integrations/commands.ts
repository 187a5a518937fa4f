import { Equals, IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsId } from '../ids';
import { Limits } from '../limits';
import { IsClientMsgId, IsMessageContent, IsWellFormedText } from '../validators';
import type { MemberView } from '../views';
import type {
  IntegrationCredentialsView,
  IntegrationDirectoryView,
  IntegrationListView,
  IntegrationSummaryView,
  IntegrationView,
} from './views';

/** An integration's name: what members see as the bot's display name. */
export const INTEGRATION_NAME_MAX = Limits.DISPLAY_NAME_MAX;
const IntegrationName = () => Length(1, INTEGRATION_NAME_MAX);

/**
 * Internal commands about integrations (RPC on `happychat.commands`). The auth service owns the
 * accounts and their broker credentials; the room service owns which rooms a bot is in.
 */
export const IntegrationCommands = {
  INTEGRATION_CREATE: 'auth.integration.create',
  INTEGRATIONS_LIST: 'auth.integrations.list',
  INTEGRATIONS_DIRECTORY: 'auth.integrations.directory',
  INTEGRATION_GET: 'auth.integration.get',
  INTEGRATION_CREDENTIALS_ROTATE: 'auth.integration.credentials.rotate',
  INTEGRATION_REVOKE: 'auth.integration.revoke',
} as const;

export const RoomIntegrationCommands = {
  ROOM_INTEGRATION_ADD: 'room.integration.add',
  ROOM_INTEGRATION_REMOVE: 'room.integration.remove',
} as const;

const C = { ...IntegrationCommands, ...RoomIntegrationCommands };

/** Admin only (checked against the database). */
export class IntegrationCreateCommand {
  static readonly TYPE = C.INTEGRATION_CREATE;
  @Equals(C.INTEGRATION_CREATE) type: typeof C.INTEGRATION_CREATE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'name must not be blank' })
  @IntegrationName()
  name: string;
}

/** Admin only. */
export class IntegrationsListCommand {
  static readonly TYPE = C.INTEGRATIONS_LIST;
  @Equals(C.INTEGRATIONS_LIST) type: typeof C.INTEGRATIONS_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
}

/** Any signed-in user: the active integrations, to pick one to add to a room. */
export class IntegrationsDirectoryCommand {
  static readonly TYPE = C.INTEGRATIONS_DIRECTORY;
  @Equals(C.INTEGRATIONS_DIRECTORY) type: typeof C.INTEGRATIONS_DIRECTORY;
  @Equals(1) v: 1;
  @IsId() actorId: string;
}

/** Any signed-in user: an active integration's public face (refused once revoked). */
export class IntegrationGetCommand {
  static readonly TYPE = C.INTEGRATION_GET;
  @Equals(C.INTEGRATION_GET) type: typeof C.INTEGRATION_GET;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() integrationId: string;
}

/** Admin only: a new password; the old one and every connection made with it stop working. */
export class IntegrationCredentialsRotateCommand {
  static readonly TYPE = C.INTEGRATION_CREDENTIALS_ROTATE;
  @Equals(C.INTEGRATION_CREDENTIALS_ROTATE) type: typeof C.INTEGRATION_CREDENTIALS_ROTATE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() integrationId: string;
}

/** Admin only: the broker user, its connections and its queue are deleted. */
export class IntegrationRevokeCommand {
  static readonly TYPE = C.INTEGRATION_REVOKE;
  @Equals(C.INTEGRATION_REVOKE) type: typeof C.INTEGRATION_REVOKE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() integrationId: string;
}

/** A room owner or admin adds an integration as a member (the gateway looked the bot up first). */
export class RoomIntegrationAddCommand {
  static readonly TYPE = C.ROOM_INTEGRATION_ADD;
  @Equals(C.ROOM_INTEGRATION_ADD) type: typeof C.ROOM_INTEGRATION_ADD;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsId() integrationId: string;
  @IsString() @IntegrationName() integrationName: string;
}

export class RoomIntegrationRemoveCommand {
  static readonly TYPE = C.ROOM_INTEGRATION_REMOVE;
  @Equals(C.ROOM_INTEGRATION_REMOVE) type: typeof C.ROOM_INTEGRATION_REMOVE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsId() integrationId: string;
}

export interface IntegrationCommandResults {
  [C.INTEGRATION_CREATE]: IntegrationCredentialsView;
  [C.INTEGRATIONS_LIST]: IntegrationListView;
  [C.INTEGRATIONS_DIRECTORY]: IntegrationDirectoryView;
  [C.INTEGRATION_GET]: IntegrationSummaryView;
  [C.INTEGRATION_CREDENTIALS_ROTATE]: IntegrationCredentialsView;
  [C.INTEGRATION_REVOKE]: IntegrationView;
  [C.ROOM_INTEGRATION_ADD]: MemberView;
  [C.ROOM_INTEGRATION_REMOVE]: Record<string, never>;
}

export const IntegrationCommandClasses = {
  [C.INTEGRATION_CREATE]: IntegrationCreateCommand,
  [C.INTEGRATIONS_LIST]: IntegrationsListCommand,
  [C.INTEGRATIONS_DIRECTORY]: IntegrationsDirectoryCommand,
  [C.INTEGRATION_GET]: IntegrationGetCommand,
  [C.INTEGRATION_CREDENTIALS_ROTATE]: IntegrationCredentialsRotateCommand,
  [C.INTEGRATION_REVOKE]: IntegrationRevokeCommand,
  [C.ROOM_INTEGRATION_ADD]: RoomIntegrationAddCommand,
  [C.ROOM_INTEGRATION_REMOVE]: RoomIntegrationRemoveCommand,
} as const;

/**
 * Commands a bot publishes itself, to the topic exchange `happychat.integrations` with routing
 * key `room.<roomId>.user.<botId>` (the broker lets a bot use only its own id). Not RPC: the
 * outcome arrives on the bot's queue as `bot.message.sent` or `bot.command.failed`, with the
 * request's `correlation_id` property copied.
 */
export const BotCommands = {
  BOT_MESSAGE_SEND: 'bot.message.send',
} as const;

/** Post a text message. Idempotent by `clientMsgId` per bot, like a person's send. */
export class BotMessageSendCommand {
  static readonly TYPE = BotCommands.BOT_MESSAGE_SEND;
  @Equals(BotCommands.BOT_MESSAGE_SEND) type: typeof BotCommands.BOT_MESSAGE_SEND;
  @Equals(1) v: 1;
  @IsClientMsgId()
  clientMsgId: string;
  @IsMessageContent()
  content: string;
  /** Answer this message (same room). */
  @IsOptional() @IsId() replyToId?: string;
}

export const BotCommandClasses = {
  [BotCommands.BOT_MESSAGE_SEND]: BotMessageSendCommand,
} as const;

/** Largest bot command body accepted, in bytes (the message limit plus the envelope). */
export const BOT_COMMAND_MAX_BYTES = Limits.MESSAGE_MAX_CHARS * 4 + 4096;

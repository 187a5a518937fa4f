import { AuthCommandClasses, AuthCommandResults, AuthCommands } from './auth/commands';
import { HistoryCommandClasses, HistoryCommandResults, HistoryCommands } from './history/commands';
import { MessageCommandClasses, MessageCommandResults, MessageCommands } from './messages/commands';
import { PresenceCommandClasses, PresenceCommandResults, PresenceCommands } from './presence/presence';
import { ReadCommandClasses, ReadCommandResults, ReadCommands } from './reads/commands';
import { RoomCommandClasses, RoomCommandResults, RoomCommands } from './rooms/commands';
import { FriendCommandClasses, FriendCommandResults, FriendCommands } from './friends/commands';
import {
  ModerationCommandClasses,
  ModerationCommandResults,
  ModerationCommands,
} from './moderation/commands';
import { TopicCommandClasses, TopicCommandResults, TopicCommands } from './topics/commands';
import { PushCommandClasses, PushCommandResults, PushCommands } from './push/commands';
import {
  IntegrationCommandClasses,
  IntegrationCommandResults,
  IntegrationCommands,
  RoomIntegrationCommands,
} from './integrations/commands';

export * from './auth/commands';
export * from './rooms/commands';
export * from './messages/commands';
export * from './history/commands';
export * from './reads/commands';
export * from './friends/commands';
export * from './moderation/commands';
export * from './topics/commands';
export * from './push/commands';
export * from './integrations/commands';

/**
 * Commands travel as RPC requests on the `happychat.commands` exchange, routed by `type`.
 * Names are imperative. Every payload carries `type` and `v`; a breaking change bumps `v`.
 * `actorId` is the authenticated user, filled in by the gateway from a verified token.
 * Each bounded context declares its own in `<context>/commands.ts`; this file only joins them.
 */
export const Commands = {
  ...AuthCommands,
  ...RoomCommands,
  ...MessageCommands,
  ...HistoryCommands,
  ...ReadCommands,
  ...PresenceCommands,
  ...FriendCommands,
  ...ModerationCommands,
  ...TopicCommands,
  ...PushCommands,
  ...IntegrationCommands,
  ...RoomIntegrationCommands,
} as const;
export type CommandType = (typeof Commands)[keyof typeof Commands];

/** What each command answers with, so callers of the RPC client get typed results. */
export interface CommandResults
  extends
    ReadCommandResults,
    PresenceCommandResults,
    AuthCommandResults,
    RoomCommandResults,
    MessageCommandResults,
    HistoryCommandResults,
    FriendCommandResults,
    ModerationCommandResults,
    TopicCommandResults,
    PushCommandResults,
    IntegrationCommandResults {}

export const CommandClasses = {
  ...ReadCommandClasses,
  ...PresenceCommandClasses,
  ...AuthCommandClasses,
  ...RoomCommandClasses,
  ...MessageCommandClasses,
  ...HistoryCommandClasses,
  ...FriendCommandClasses,
  ...ModerationCommandClasses,
  ...TopicCommandClasses,
  ...PushCommandClasses,
  ...IntegrationCommandClasses,
} as const;

/** Payload of a command as a caller builds it: everything but the `type`/`v` envelope. */
export type CommandInput<C extends CommandType> = Omit<
  InstanceType<(typeof CommandClasses)[C]>,
  'type' | 'v'
>;

/**
 * Commands a caller may send several of in one AMQP message, a command batch (see
 * `CommandBatch` in rpc.ts): the message path's, where one broker round trip per message was
 * the cost, and the read path's, whose frames come in waves (everyone in a room sees a message
 * at the same moment) and, one AMQP message each, filled the room service's prefetch window so
 * that sends waited behind them. Sends and appends are idempotent by (sender, clientMsgId), a
 * read never moves a position back and a read span only reads, so a redelivered batch is
 * harmless.
 */
export const BatchableCommands: ReadonlySet<CommandType> = new Set<CommandType>([
  MessageCommands.MESSAGE_SEND,
  HistoryCommands.HISTORY_APPEND,
  ReadCommands.READ_MARK,
  HistoryCommands.HISTORY_READ_SPAN,
]);

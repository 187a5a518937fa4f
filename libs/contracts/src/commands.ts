import { AuthCommandClasses, AuthCommandResults, AuthCommands } from './auth/commands';
import { HistoryCommandClasses, HistoryCommandResults, HistoryCommands } from './history/commands';
import { MessageCommandClasses, MessageCommandResults, MessageCommands } from './messages/commands';
import { RoomCommandClasses, RoomCommandResults, RoomCommands } from './rooms/commands';

export * from './auth/commands';
export * from './rooms/commands';
export * from './messages/commands';
export * from './history/commands';

/**
 * Commands travel as RPC requests on the `happychat.commands` exchange, routed by `type`.
 * Names are imperative. Every payload carries `type` and `v`; a breaking change bumps `v`.
 * `actorId` is the authenticated user, filled in by the gateway from a verified token.
 * Each bounded context declares its own in `<context>/commands.ts`; this file only joins them.
 */
export const Commands = { ...AuthCommands, ...RoomCommands, ...MessageCommands, ...HistoryCommands } as const;
export type CommandType = (typeof Commands)[keyof typeof Commands];

/** What each command answers with, so callers of the RPC client get typed results. */
export interface CommandResults
  extends AuthCommandResults, RoomCommandResults, MessageCommandResults, HistoryCommandResults {}

export const CommandClasses = {
  ...AuthCommandClasses,
  ...RoomCommandClasses,
  ...MessageCommandClasses,
  ...HistoryCommandClasses,
} as const;

/** Payload of a command as a caller builds it: everything but the `type`/`v` envelope. */
export type CommandInput<C extends CommandType> = Omit<
  InstanceType<(typeof CommandClasses)[C]>,
  'type' | 'v'
>;

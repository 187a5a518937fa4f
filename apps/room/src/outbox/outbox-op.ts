import type { DomainEvent } from '@app/contracts';

/**
 * One broker-side effect of a committed change. Ops are stored as JSON in `room.outbox` in the
 * transaction that makes the change, and applied afterwards in id order per stream. Each op is
 * safe to apply twice: bindings are idempotent, events carry a fixed `eventId` (consumers
 * dedupe), and a system message carries a fixed `clientMsgId` (history dedupes).
 */
export type OutboxOp =
  /** Bots only: people's inboxes are not bound to rooms (their gateways bind per room). */
  | { kind: 'bind'; userId: string; roomId: string }
  | { kind: 'unbind'; userId: string; roomId: string }
  | { kind: 'user_event'; userId: string; event: DomainEvent }
  | { kind: 'room_event'; roomId: string; actorId: string; event: DomainEvent }
  | {
      kind: 'system_message';
      roomId: string;
      senderId: string;
      clientMsgId: string;
      content: string;
      /**
       * Outbox ids that must be applied first: an announced kick comes after the member's
       * `user.membership.removed` (and a bot's unbind), so it never reaches them.
       */
      after?: string[];
    };

/** What a transaction wrote to the outbox: the caller settles it after the commit. */
export interface OutboxReceipt {
  /** Streams whose ops must be applied before the change is acknowledged, with those op ids. */
  awaited: Map<string, string[]>;
  /** Streams applied after the acknowledgement, in the background (system messages). */
  background: Set<string>;
}

export function emptyReceipt(): OutboxReceipt {
  return { awaited: new Map(), background: new Set() };
}

/**
 * Stream keys. Ops in one stream are applied strictly in order; different streams do not wait
 * for each other. A user's stream carries their membership events, the room event that announces
 * their join or removal, and a bot's inbox bindings; a room's stream carries room-wide events; a
 * room's announcement stream carries its system messages, so a slow history service never holds
 * up memberships or events.
 */
export const OutboxStreams = {
  user: (userId: string): string => `user:${userId}`,
  room: (roomId: string): string => `room:${roomId}`,
  announcements: (roomId: string): string => `announce:${roomId}`,
} as const;

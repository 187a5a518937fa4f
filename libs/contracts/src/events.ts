import { AuthDomainEvent, AuthEvents } from './auth/events';
import { MessageDomainEvent, MessageEvents } from './messages/events';
import { PresenceDomainEvent, PresenceEvents } from './presence/presence';
import { ReadDomainEvent, ReadEvents } from './reads/events';
import { RealtimeDomainEvent, RealtimeEvents } from './realtime/events';
import { RoomDomainEvent, RoomEvents } from './rooms/events';
import { FriendDomainEvent, FriendEvents } from './friends/events';
import { TopicDomainEvent, TopicEvents } from './topics/events';
import { IntegrationDomainEvent, IntegrationEvents } from './integrations/events';

export * from './event-base';
export * from './auth/events';
export * from './messages/events';
export * from './rooms/events';
export * from './realtime/events';
export * from './reads/events';
export * from './friends/events';
export * from './topics/events';
export * from './integrations/events';

/**
 * Events are facts, named in the past tense. Room events go to `happychat.room.events` keyed
 * `room.<roomId>.user.<actorId>`; user events go to `happychat.user.events` keyed `user.<userId>`.
 * Both reach the gateway through the user's inbox. Every event carries `type`, `v` and a unique
 * `eventId` (the dedupe key for at-least-once consumers). Each context declares its own in
 * `<context>/events.ts`; this file only joins them.
 */
export const Events = {
  ...AuthEvents,
  ...MessageEvents,
  ...RoomEvents,
  ...RealtimeEvents,
  ...ReadEvents,
  ...PresenceEvents,
  ...FriendEvents,
  ...TopicEvents,
  ...IntegrationEvents,
} as const;
export type EventType = (typeof Events)[keyof typeof Events];

export type DomainEvent =
  | AuthDomainEvent
  | MessageDomainEvent
  | RoomDomainEvent
  | RealtimeDomainEvent
  | ReadDomainEvent
  | PresenceDomainEvent
  | FriendDomainEvent
  | TopicDomainEvent
  | IntegrationDomainEvent;

/** Events are produced only by our own services; consumers still check the shape they rely on. */
export function isDomainEvent(value: unknown): value is DomainEvent {
  if (!value || typeof value !== 'object') return false;
  const v = value as { type?: unknown; v?: unknown; eventId?: unknown };
  return (
    typeof v.type === 'string' &&
    (Object.values(Events) as string[]).includes(v.type) &&
    v.v === 1 &&
    typeof v.eventId === 'string'
  );
}

import type { EventBase } from '../event-base';
import type { MessageView } from '../views';

/** Facts about messages, published by the history service on `room.<roomId>.user.<actorId>`. */
export const MessageEvents = {
  MESSAGE_CREATED: 'message.created',
} as const;

export interface MessageCreatedEvent extends EventBase {
  type: typeof MessageEvents.MESSAGE_CREATED;
  message: MessageView;
}

export type MessageDomainEvent = MessageCreatedEvent;

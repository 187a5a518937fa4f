import type { EventBase } from '../event-base';
import type { MessageView } from '../views';

/** Facts about messages, published by the history service on `room.<roomId>.user.<actorId>`. */
export const MessageEvents = {
  MESSAGE_CREATED: 'message.created',
  MESSAGE_EDITED: 'message.edited',
  MESSAGE_DELETED: 'message.deleted',
  MESSAGE_REACTION_CHANGED: 'message.reaction.changed',
} as const;

export interface MessageCreatedEvent extends EventBase {
  type: typeof MessageEvents.MESSAGE_CREATED;
  message: MessageView;
}

/** The author changed the content; `message` is the whole message as it is now (editedAt set). */
export interface MessageEditedEvent extends EventBase {
  type: typeof MessageEvents.MESSAGE_EDITED;
  message: MessageView;
}

/** The message became a tombstone (content cleared, seq kept). */
export interface MessageDeletedEvent extends EventBase {
  type: typeof MessageEvents.MESSAGE_DELETED;
  message: MessageView;
  /** The author, or the moderator who removed it. */
  deletedBy: string;
}

/**
 * Someone added or removed a reaction. `reactions` are the message's counts after the change
 * (`me` is false in them: the event is the same for everyone; compare `userId` with yourself).
 * Republished on a repeat, so treat it as state, not as a delta.
 */
export interface MessageReactionChangedEvent extends EventBase {
  type: typeof MessageEvents.MESSAGE_REACTION_CHANGED;
  roomId: string;
  messageId: string;
  userId: string;
  emoji: string;
  op: 'added' | 'removed';
  reactions: Array<{ emoji: string; count: number }>;
}

export type MessageDomainEvent =
  MessageCreatedEvent | MessageEditedEvent | MessageDeletedEvent | MessageReactionChangedEvent;

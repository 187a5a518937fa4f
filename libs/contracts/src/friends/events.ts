import type { EventBase } from '../event-base';
import type { FriendState } from './views';

export const FriendEvents = {
  /**
   * To one user: where they now stand with another (a request arrived, was accepted, withdrawn,
   * declined, or the friendship ended). A user who is blocked hears `none`, never "blocked".
   */
  USER_FRIENDSHIP_CHANGED: 'user.friendship.changed',
} as const;

export interface UserFriendshipChangedEvent extends EventBase {
  type: typeof FriendEvents.USER_FRIENDSHIP_CHANGED;
  userId: string;
  otherUserId: string;
  otherDisplayName?: string;
  state: FriendState;
}

export type FriendDomainEvent = UserFriendshipChangedEvent;

/** How a user stands with another, from the first one's side. */
export type FriendState = 'friends' | 'incoming' | 'outgoing' | 'none';

export interface FriendView {
  userId: string;
  /** The name they gave when they last acted on the friendship. */
  displayName: string;
  state: Exclude<FriendState, 'none'>;
  /** When the request was made, or accepted for friends. */
  since: string;
}

export interface FriendListView {
  friends: FriendView[];
  /** Requests waiting for the caller's answer. */
  incoming: FriendView[];
  /** The caller's requests waiting for an answer. */
  outgoing: FriendView[];
  blocked: Array<{ userId: string; since: string }>;
}

import { Equals } from 'class-validator';
import { IsId } from '../ids';
import type { RoomView, UserRole } from '../views';
import { ActorName, ActorRole } from '../rooms/fields';
import type { FriendListView, FriendState } from './views';

export * from './views';

/**
 * Friends and direct rooms (queue `happychat.room.commands`). Nothing happens to anyone without
 * their consent: a request waits for the other side, and a block stops requests and direct
 * messages both ways. Guests have no friends.
 */
export const FriendCommands = {
  FRIEND_REQUEST: 'friend.request',
  FRIEND_ACCEPT: 'friend.accept',
  FRIEND_DECLINE: 'friend.decline',
  FRIEND_CANCEL: 'friend.cancel',
  FRIEND_REMOVE: 'friend.remove',
  FRIEND_BLOCK: 'friend.block',
  FRIEND_UNBLOCK: 'friend.unblock',
  FRIEND_LIST: 'friend.list',
  FRIEND_DM_OPEN: 'friend.dm.open',
} as const;
const C = FriendCommands;

abstract class FriendActionBase {
  @Equals(1) v: 1;
  @IsId() actorId: string;
  /** The other user. */
  @IsId() userId: string;
}

abstract class NamedFriendActionBase extends FriendActionBase {
  @ActorName() actorName: string;
  @ActorRole() actorRole?: UserRole;
}

/** Ask `userId` to be friends. If they already asked the actor, this accepts. */
export class RequestFriendCommand extends NamedFriendActionBase {
  static readonly TYPE = C.FRIEND_REQUEST;
  @Equals(C.FRIEND_REQUEST) type: typeof C.FRIEND_REQUEST;
}

export class AcceptFriendCommand extends NamedFriendActionBase {
  static readonly TYPE = C.FRIEND_ACCEPT;
  @Equals(C.FRIEND_ACCEPT) type: typeof C.FRIEND_ACCEPT;
}

/** Refuse a request `userId` made. */
export class DeclineFriendCommand extends FriendActionBase {
  static readonly TYPE = C.FRIEND_DECLINE;
  @Equals(C.FRIEND_DECLINE) type: typeof C.FRIEND_DECLINE;
}

/** Withdraw the actor's own request to `userId`. */
export class CancelFriendCommand extends FriendActionBase {
  static readonly TYPE = C.FRIEND_CANCEL;
  @Equals(C.FRIEND_CANCEL) type: typeof C.FRIEND_CANCEL;
}

export class RemoveFriendCommand extends FriendActionBase {
  static readonly TYPE = C.FRIEND_REMOVE;
  @Equals(C.FRIEND_REMOVE) type: typeof C.FRIEND_REMOVE;
}

/** Ends any friendship or request between the two; the blocked user is not told. */
export class BlockUserCommand extends FriendActionBase {
  static readonly TYPE = C.FRIEND_BLOCK;
  @Equals(C.FRIEND_BLOCK) type: typeof C.FRIEND_BLOCK;
}

export class UnblockUserCommand extends FriendActionBase {
  static readonly TYPE = C.FRIEND_UNBLOCK;
  @Equals(C.FRIEND_UNBLOCK) type: typeof C.FRIEND_UNBLOCK;
}

export class ListFriendsCommand {
  static readonly TYPE = C.FRIEND_LIST;
  @Equals(C.FRIEND_LIST) type: typeof C.FRIEND_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
}

/**
 * The direct room of the actor and `userId` (friends only), created the first time it is asked
 * for. Idempotent: one room per pair, whoever asks and however often.
 */
export class OpenDirectRoomCommand extends NamedFriendActionBase {
  static readonly TYPE = C.FRIEND_DM_OPEN;
  @Equals(C.FRIEND_DM_OPEN) type: typeof C.FRIEND_DM_OPEN;
}

export interface FriendshipResult {
  userId: string;
  state: FriendState;
}

export interface FriendCommandResults {
  [C.FRIEND_REQUEST]: FriendshipResult;
  [C.FRIEND_ACCEPT]: FriendshipResult;
  [C.FRIEND_DECLINE]: FriendshipResult;
  [C.FRIEND_CANCEL]: FriendshipResult;
  [C.FRIEND_REMOVE]: FriendshipResult;
  [C.FRIEND_BLOCK]: { userId: string; blocked: true };
  [C.FRIEND_UNBLOCK]: { userId: string; blocked: false };
  [C.FRIEND_LIST]: FriendListView;
  [C.FRIEND_DM_OPEN]: RoomView;
}

export const FriendCommandClasses = {
  [C.FRIEND_REQUEST]: RequestFriendCommand,
  [C.FRIEND_ACCEPT]: AcceptFriendCommand,
  [C.FRIEND_DECLINE]: DeclineFriendCommand,
  [C.FRIEND_CANCEL]: CancelFriendCommand,
  [C.FRIEND_REMOVE]: RemoveFriendCommand,
  [C.FRIEND_BLOCK]: BlockUserCommand,
  [C.FRIEND_UNBLOCK]: UnblockUserCommand,
  [C.FRIEND_LIST]: ListFriendsCommand,
  [C.FRIEND_DM_OPEN]: OpenDirectRoomCommand,
} as const;

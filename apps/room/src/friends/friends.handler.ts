import { Injectable } from '@nestjs/common';
import {
  AcceptFriendCommand,
  BlockUserCommand,
  CancelFriendCommand,
  Commands,
  DeclineFriendCommand,
  FriendListView,
  FriendshipResult,
  ListFriendsCommand,
  OpenDirectRoomCommand,
  RemoveFriendCommand,
  RequestFriendCommand,
  RoomView,
  UnblockUserCommand,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { RoomsService } from '../rooms/rooms.service';
import { FriendsService } from './friends.service';

@Injectable()
export class FriendsHandler {
  constructor(
    private readonly friends: FriendsService,
    private readonly rooms: RoomsService,
  ) {}

  @CommandHandler(Commands.FRIEND_REQUEST)
  async request(cmd: RequestFriendCommand): Promise<FriendshipResult> {
    return { userId: cmd.userId, state: await this.friends.request(cmd, cmd.userId) };
  }

  @CommandHandler(Commands.FRIEND_ACCEPT)
  async accept(cmd: AcceptFriendCommand): Promise<FriendshipResult> {
    return { userId: cmd.userId, state: await this.friends.accept(cmd, cmd.userId) };
  }

  @CommandHandler(Commands.FRIEND_DECLINE)
  async decline(cmd: DeclineFriendCommand): Promise<FriendshipResult> {
    return { userId: cmd.userId, state: await this.friends.decline(cmd.actorId, cmd.userId) };
  }

  @CommandHandler(Commands.FRIEND_CANCEL)
  async cancel(cmd: CancelFriendCommand): Promise<FriendshipResult> {
    return { userId: cmd.userId, state: await this.friends.cancel(cmd.actorId, cmd.userId) };
  }

  @CommandHandler(Commands.FRIEND_REMOVE)
  async remove(cmd: RemoveFriendCommand): Promise<FriendshipResult> {
    return { userId: cmd.userId, state: await this.friends.remove(cmd.actorId, cmd.userId) };
  }

  @CommandHandler(Commands.FRIEND_BLOCK)
  async block(cmd: BlockUserCommand): Promise<{ userId: string; blocked: true }> {
    await this.friends.block(cmd.actorId, cmd.userId);
    return { userId: cmd.userId, blocked: true };
  }

  @CommandHandler(Commands.FRIEND_UNBLOCK)
  async unblock(cmd: UnblockUserCommand): Promise<{ userId: string; blocked: false }> {
    await this.friends.unblock(cmd.actorId, cmd.userId);
    return { userId: cmd.userId, blocked: false };
  }

  @CommandHandler(Commands.FRIEND_LIST)
  list(cmd: ListFriendsCommand): Promise<FriendListView> {
    return this.friends.list(cmd.actorId);
  }

  @CommandHandler(Commands.FRIEND_DM_OPEN)
  async openDirect(cmd: OpenDirectRoomCommand): Promise<RoomView> {
    const { room, membership } = await this.friends.openDirect(cmd, cmd.userId);
    return this.rooms.view(room, membership.role);
  }
}

import { Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Commands, FriendListView, FriendshipResult, RoomView } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';

/**
 * Friends: nothing without the other side's consent. Each change reaches both sides' devices as
 * `user.friendship.changed`. Guests have no friends.
 */
@ApiTags('friends')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('friends')
export class FriendsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Friends, requests both ways, and the users you blocked' })
  list(@CurrentUser() user: AccessClaims): Promise<FriendListView> {
    return this.rpc.request(Commands.FRIEND_LIST, { actorId: user.sub });
  }

  @Post(':userId/request')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ask to be friends (accepts, if they already asked you)' })
  @ApiResponse({ status: 403, description: 'friend.blocked / friend.guests_not_allowed' })
  @ApiResponse({ status: 409, description: 'friend.already_friends' })
  request(
    @CurrentUser() user: AccessClaims,
    @Param('userId', uuidParam) userId: string,
  ): Promise<FriendshipResult> {
    return this.rpc.request(Commands.FRIEND_REQUEST, this.named(user, userId));
  }

  @Post(':userId/accept')
  @HttpCode(200)
  @ApiOperation({ summary: "Accept the user's request" })
  @ApiResponse({ status: 404, description: 'friend.no_request' })
  accept(
    @CurrentUser() user: AccessClaims,
    @Param('userId', uuidParam) userId: string,
  ): Promise<FriendshipResult> {
    return this.rpc.request(Commands.FRIEND_ACCEPT, this.named(user, userId));
  }

  @Post(':userId/decline')
  @HttpCode(200)
  @ApiOperation({ summary: "Decline the user's request" })
  decline(
    @CurrentUser() user: AccessClaims,
    @Param('userId', uuidParam) userId: string,
  ): Promise<FriendshipResult> {
    return this.rpc.request(Commands.FRIEND_DECLINE, { actorId: user.sub, userId });
  }

  @Post(':userId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw your request to the user' })
  cancel(
    @CurrentUser() user: AccessClaims,
    @Param('userId', uuidParam) userId: string,
  ): Promise<FriendshipResult> {
    return this.rpc.request(Commands.FRIEND_CANCEL, { actorId: user.sub, userId });
  }

  @Delete(':userId')
  @ApiOperation({ summary: 'Stop being friends' })
  remove(
    @CurrentUser() user: AccessClaims,
    @Param('userId', uuidParam) userId: string,
  ): Promise<FriendshipResult> {
    return this.rpc.request(Commands.FRIEND_REMOVE, { actorId: user.sub, userId });
  }

  @Post(':userId/block')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Block the user: ends any friendship or request; no requests or direct messages either way',
  })
  block(
    @CurrentUser() user: AccessClaims,
    @Param('userId', uuidParam) userId: string,
  ): Promise<{ userId: string; blocked: true }> {
    return this.rpc.request(Commands.FRIEND_BLOCK, { actorId: user.sub, userId });
  }

  @Delete(':userId/block')
  @ApiOperation({ summary: 'Unblock the user' })
  unblock(
    @CurrentUser() user: AccessClaims,
    @Param('userId', uuidParam) userId: string,
  ): Promise<{ userId: string; blocked: false }> {
    return this.rpc.request(Commands.FRIEND_UNBLOCK, { actorId: user.sub, userId });
  }

  @Post(':userId/dm')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The direct room with a friend, created the first time (idempotent: one per pair)',
  })
  @ApiResponse({ status: 403, description: 'friend.not_friends / friend.blocked' })
  dm(@CurrentUser() user: AccessClaims, @Param('userId', uuidParam) userId: string): Promise<RoomView> {
    return this.rpc.request(Commands.FRIEND_DM_OPEN, this.named(user, userId));
  }

  private named(user: AccessClaims, userId: string) {
    return { actorId: user.sub, actorName: user.name, actorRole: user.role, userId };
  }
}

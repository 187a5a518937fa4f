import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Commands, RoomSummariesView } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';

@ApiTags('messages')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('me/rooms')
export class RoomSummaryController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('summary')
  @ApiOperation({
    summary:
      "For each of the caller's rooms: lastSeq and the last message that is not deleted (chat-list previews, unread counts)",
  })
  @ApiResponse({ status: 200, description: 'RoomSummariesView {rooms: [{roomId, lastSeq, lastMessage?}]}' })
  summary(@CurrentUser() user: AccessClaims): Promise<RoomSummariesView> {
    return this.rpc.request(Commands.MESSAGE_SUMMARY, { actorId: user.sub });
  }
}

import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Commands, HistoryLimits, MessageSearchView } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { SearchMessagesQuery } from '../messages/dto/messages.dto';

@ApiTags('search')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('search')
export class SearchController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('messages')
  @ApiOperation({
    summary: `Search every room you are in (the ${HistoryLimits.SEARCH_ROOMS_MAX} most recently joined): case-insensitive literal text, newest first, each hit with its roomId`,
  })
  @ApiResponse({ status: 200, description: 'MessageSearchView {messages, hasMore, nextBeforeId?}' })
  @ApiResponse({ status: 400, description: 'common.validation_failed: q blank or too long' })
  search(@CurrentUser() user: AccessClaims, @Query() q: SearchMessagesQuery): Promise<MessageSearchView> {
    return this.rpc.request(Commands.MESSAGE_SEARCH, {
      actorId: user.sub,
      query: q.q,
      limit: q.limit,
      beforeId: q.beforeId,
    });
  }
}

import { Body, Controller, Get, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Commands, MessagePageView, SendResultView } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';
import { ListMessagesQuery, SendMessageDto } from './dto/messages.dto';

@ApiTags('messages')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('rooms/:roomId/messages')
export class MessagesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: "Page through a room's history (ascending seq); no cursor = newest page" })
  @ApiResponse({ status: 200, description: 'MessagePageView {messages, hasMore}' })
  @ApiResponse({ status: 403, description: 'room.not_member' })
  list(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Query() q: ListMessagesQuery,
  ): Promise<MessagePageView> {
    return this.rpc.request(Commands.MESSAGE_LIST, { actorId: user.sub, roomId, ...q });
  }

  @Post()
  @ApiOperation({ summary: 'Send a message (same checks and ack as the WebSocket message.send)' })
  @ApiResponse({ status: 201, description: 'SendResultView {message, duplicate}' })
  send(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() dto: SendMessageDto,
  ): Promise<SendResultView> {
    return this.rpc.request(Commands.MESSAGE_SEND, { actorId: user.sub, roomId, kind: 'text', ...dto });
  }
}

import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  Commands,
  MessagePageView,
  MessageSearchView,
  MessageView,
  ReactionsView,
  RetentionView,
  SendResultView,
} from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';
import {
  EditMessageDto,
  ListMessagesQuery,
  ReplayQuery,
  RetentionDto,
  SearchMessagesQuery,
  SendMessageDto,
} from './dto/messages.dto';
import { emojiParam } from './emoji-param';

@ApiTags('messages')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('rooms/:roomId/messages')
export class MessagesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({
    summary:
      "Page through a room's history (ascending seq): newest page (no cursor), beforeSeq, afterSeq, aroundId, or a date window from/to",
  })
  @ApiResponse({
    status: 200,
    description: 'MessagePageView {messages, hasMore, hasMoreBefore?, hasMoreAfter?}',
  })
  @ApiResponse({ status: 403, description: 'room.not_member' })
  @ApiResponse({ status: 404, description: 'history.message_not_found (aroundId not in this room)' })
  list(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Query() q: ListMessagesQuery,
  ): Promise<MessagePageView> {
    return this.rpc.request(Commands.MESSAGE_LIST, { actorId: user.sub, roomId, ...q });
  }

  @Post()
  @ApiOperation({
    summary:
      'Send a message (same checks and ack as the WebSocket message.send); replyToId answers a message. Marks the room read for you up to it',
  })
  @ApiResponse({ status: 201, description: 'SendResultView {message, duplicate}' })
  @ApiResponse({
    status: 404,
    description:
      'history.message_not_found (replyToId not in this room), room.attachment_not_found (not your upload to this room)',
  })
  @ApiResponse({
    status: 409,
    description: 'room.attachment_in_use: an image already sent in another message',
  })
  send(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() dto: SendMessageDto,
  ): Promise<SendResultView> {
    return this.rpc.request(Commands.MESSAGE_SEND, {
      actorId: user.sub,
      roomId,
      ...dto,
      kind: dto.kind ?? 'text',
    });
  }

  @Get('search')
  @ApiOperation({ summary: 'Search this room (members only): case-insensitive literal text, newest first' })
  @ApiResponse({ status: 200, description: 'MessageSearchView {messages, hasMore, nextBeforeId?}' })
  search(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Query() q: SearchMessagesQuery,
  ): Promise<MessageSearchView> {
    return this.rpc.request(Commands.MESSAGE_SEARCH, {
      actorId: user.sub,
      roomId,
      query: q.q,
      limit: q.limit,
      beforeId: q.beforeId,
    });
  }

  @Patch(':messageId')
  @ApiOperation({ summary: 'Edit your own message within the edit window (MESSAGE_EDIT_WINDOW_SECONDS)' })
  @ApiResponse({ status: 200, description: 'MessageView with editedAt' })
  @ApiResponse({ status: 403, description: 'history.not_author, history.edit_window_closed' })
  @ApiResponse({ status: 409, description: 'history.message_deleted' })
  edit(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Param('messageId', uuidParam) messageId: string,
    @Body() dto: EditMessageDto,
  ): Promise<MessageView> {
    return this.rpc.request(Commands.MESSAGE_EDIT, {
      actorId: user.sub,
      roomId,
      messageId,
      content: dto.content,
    });
  }

  @Delete(':messageId')
  @ApiOperation({
    summary: 'Delete a message (the author, or the room owner/an admin): it stays as a tombstone',
  })
  @ApiResponse({ status: 200, description: 'MessageView: content cleared, deletedAt set, seq kept' })
  @ApiResponse({ status: 403, description: 'history.not_author' })
  delete(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Param('messageId', uuidParam) messageId: string,
  ): Promise<MessageView> {
    return this.rpc.request(Commands.MESSAGE_DELETE, { actorId: user.sub, roomId, messageId });
  }

  @Put(':messageId/reactions/:emoji')
  @ApiOperation({ summary: 'React with an emoji (one grapheme, or a :shortcode:); idempotent' })
  @ApiParam({ name: 'emoji', description: 'URL-encoded, e.g. %F0%9F%91%8D for 👍' })
  @ApiResponse({
    status: 200,
    description: 'ReactionsView {roomId, messageId, reactions: [{emoji, count, me}]}',
  })
  addReaction(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Param('messageId', uuidParam) messageId: string,
    @Param('emoji', emojiParam) emoji: string,
  ): Promise<ReactionsView> {
    return this.rpc.request(Commands.MESSAGE_REACTION_ADD, { actorId: user.sub, roomId, messageId, emoji });
  }

  @Delete(':messageId/reactions/:emoji')
  @ApiOperation({ summary: 'Take your reaction back; idempotent' })
  @ApiResponse({ status: 200, description: 'ReactionsView' })
  removeReaction(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Param('messageId', uuidParam) messageId: string,
    @Param('emoji', emojiParam) emoji: string,
  ): Promise<ReactionsView> {
    return this.rpc.request(Commands.MESSAGE_REACTION_REMOVE, {
      actorId: user.sub,
      roomId,
      messageId,
      emoji,
    });
  }
}

@ApiTags('messages')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('rooms/:roomId')
export class RoomLogController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('replay')
  @ApiOperation({
    summary:
      'Messages with from ≤ createdAt < to, in order, without deleted ones: play a chat beside a recording',
  })
  @ApiResponse({
    status: 200,
    description: 'MessagePageView; continue with afterSeq = the last seq while hasMore',
  })
  replay(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Query() q: ReplayQuery,
  ): Promise<MessagePageView> {
    return this.rpc.request(Commands.MESSAGE_REPLAY, { actorId: user.sub, roomId, ...q });
  }

  @Get('retention')
  @ApiOperation({ summary: "The room's retention override (members)" })
  @ApiResponse({ status: 200, description: 'RetentionView {roomId, days: number | null}' })
  getRetention(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
  ): Promise<RetentionView> {
    return this.rpc.request(Commands.MESSAGE_RETENTION_GET, { actorId: user.sub, roomId });
  }

  @Put('retention')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set how long this room keeps messages (owner only): days, 0 = forever, null = server default',
  })
  @ApiResponse({ status: 403, description: 'room.forbidden' })
  setRetention(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() dto: RetentionDto,
  ): Promise<RetentionView> {
    return this.rpc.request(Commands.MESSAGE_RETENTION_SET, { actorId: user.sub, roomId, days: dto.days });
  }
}

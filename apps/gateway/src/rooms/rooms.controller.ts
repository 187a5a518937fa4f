import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  Commands,
  InviteLinkView,
  ROOM_IMAGE_MAX_BYTES,
  RoomDetailView,
  RoomErrorCode,
  RoomInviteView,
  RoomView,
} from '@app/contracts';
import { AccessClaims, AppException } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';
import { readBody } from '../me/read-body';
import { CreateRoomDto } from './dto/create-room.dto';
import {
  CreateInviteLinkDto,
  InviteLinkDto,
  InviteLinkListDto,
  InviteLinksQuery,
  InviteUserDto,
  JoinRoomDto,
  MemberRoleDto,
  RenameRoomDto,
  RoomSettingsDto,
  TransferOwnershipDto,
} from './dto/rooms.dto';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

@ApiTags('rooms')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('rooms')
export class RoomsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @ApiOperation({ summary: 'Create a group room; the caller becomes its owner' })
  @ApiResponse({ status: 201, description: 'RoomView' })
  @ApiResponse({ status: 403, description: 'room.guests_not_allowed' })
  create(@CurrentUser() user: AccessClaims, @Body() dto: CreateRoomDto): Promise<RoomView> {
    return this.rpc.request(Commands.ROOM_CREATE, {
      actorId: user.sub,
      actorName: user.name,
      actorRole: user.role,
      kind: 'group',
      name: dto.name,
      ...(dto.historyVisibility ? { historyVisibility: dto.historyVisibility } : {}),
    });
  }

  @Get()
  @ApiOperation({ summary: "The caller's rooms" })
  list(@CurrentUser() user: AccessClaims): Promise<{ rooms: RoomView[] }> {
    return this.rpc.request(Commands.ROOM_LIST, { actorId: user.sub });
  }

  @Get('invites')
  @ApiOperation({ summary: "The caller's pending invites to group rooms (join the room to accept)" })
  invites(@CurrentUser() user: AccessClaims): Promise<{ invites: RoomInviteView[] }> {
    return this.rpc.request(Commands.ROOM_INVITES_LIST, { actorId: user.sub });
  }

  @Get(':roomId')
  @ApiOperation({ summary: 'A room with its members (members only)' })
  @ApiResponse({ status: 403, description: 'room.not_member' })
  @ApiResponse({ status: 404, description: 'room.not_found' })
  get(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
  ): Promise<RoomDetailView> {
    return this.rpc.request(Commands.ROOM_GET, { actorId: user.sub, roomId });
  }

  @Patch(':roomId')
  @ApiOperation({ summary: 'Rename the room (owner or admin)' })
  @ApiResponse({ status: 403, description: 'room.forbidden / room.not_member' })
  rename(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() dto: RenameRoomDto,
  ): Promise<RoomView> {
    return this.rpc.request(Commands.ROOM_RENAME, { actorId: user.sub, roomId, name: dto.name });
  }

  @Patch(':roomId/settings')
  @ApiOperation({ summary: 'Slow mode, the profanity filter and history visibility (owner or admin)' })
  @ApiResponse({ status: 403, description: 'room.forbidden / room.not_member' })
  settings(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() dto: RoomSettingsDto,
  ): Promise<RoomView> {
    return this.rpc.request(Commands.ROOM_SETTINGS_UPDATE, { actorId: user.sub, roomId, ...dto });
  }

  @Put(':roomId/image')
  @ApiOperation({
    summary: 'Set the room image (owner or admin): the raw image as the body',
    description: `PNG, JPEG or WebP, checked by its bytes; at most ${ROOM_IMAGE_MAX_BYTES / 1024} KiB.`,
  })
  @ApiConsumes(...IMAGE_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 200, description: 'RoomView with its new imageUrl' })
  @ApiResponse({ status: 400, description: 'room.invalid_image' })
  @ApiResponse({ status: 413, description: 'room.image_too_large / common.payload_too_large' })
  async setImage(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Headers('content-type') contentType?: string,
  ): Promise<RoomView> {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!IMAGE_TYPES.includes(type))
      throw new AppException(
        RoomErrorCode.INVALID_IMAGE,
        'Send the image as image/png, image/jpeg or image/webp',
      );
    const data = await readBody(req, res, ROOM_IMAGE_MAX_BYTES);
    res.status(200);
    return this.rpc.request(Commands.ROOM_IMAGE_SET, {
      actorId: user.sub,
      roomId,
      data: data.toString('base64'),
    });
  }

  @Delete(':roomId/image')
  @ApiOperation({ summary: 'Remove the room image (owner or admin)' })
  removeImage(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
  ): Promise<RoomView> {
    return this.rpc.request(Commands.ROOM_IMAGE_REMOVE, { actorId: user.sub, roomId });
  }

  @Post(':roomId/join')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Join a room (idempotent)',
    description:
      'A group room needs a pending invite for the caller or an invite link token (`inviteToken`); ' +
      'a topic room is open to everyone, guests included, up to its member cap.',
  })
  @ApiResponse({
    status: 403,
    description: 'room.invite_required / room.invite_invalid / room.banned / room.guests_not_allowed',
  })
  @ApiResponse({ status: 409, description: 'room.full' })
  join(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() dto: JoinRoomDto,
  ): Promise<RoomView> {
    return this.rpc.request(Commands.ROOM_JOIN, {
      actorId: user.sub,
      actorName: user.name,
      actorRole: user.role,
      roomId,
      ...dto,
    });
  }

  @Post(':roomId/leave')
  @HttpCode(200)
  @ApiOperation({ summary: 'Leave the room (the owner hands it over first)' })
  @ApiResponse({ status: 409, description: 'room.owner_cannot_leave' })
  leave(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
  ): Promise<{ left: true }> {
    return this.rpc.request(Commands.ROOM_LEAVE, { actorId: user.sub, roomId });
  }

  @Post(':roomId/invites')
  @ApiOperation({ summary: 'Invite a user to a group room (owner or admin); they get user.room.invited' })
  @ApiResponse({ status: 409, description: 'room.already_member' })
  invite(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() dto: InviteUserDto,
  ): Promise<{ roomId: string; userId: string; createdAt: string }> {
    return this.rpc.request(Commands.ROOM_INVITE, {
      actorId: user.sub,
      actorName: user.name,
      roomId,
      userId: dto.userId,
    });
  }

  @Post(':roomId/invites/decline')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline your pending invite to this room' })
  decline(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
  ): Promise<{ declined: true }> {
    return this.rpc.request(Commands.ROOM_INVITE_DECLINE, { actorId: user.sub, roomId });
  }

  @Post(':roomId/invite-links')
  @ApiOperation({
    summary: 'Create an invite link (owner or admin)',
    description:
      'The token is in this answer only; anyone holding it may join until it expires or is used up.',
  })
  @ApiResponse({ status: 201, type: InviteLinkDto })
  createLink(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() dto: CreateInviteLinkDto,
  ): Promise<InviteLinkView> {
    return this.rpc.request(Commands.ROOM_INVITE_LINK_CREATE, { actorId: user.sub, roomId, ...dto });
  }

  @Get(':roomId/invite-links')
  @ApiOperation({
    summary: "The room's invite links (owner or admin)",
    description:
      'Links made by anyone, on any device, that are neither revoked nor expired, newest first. ' +
      'Tokens are never listed: they are stored hashed and shown only when a link is made.',
  })
  @ApiResponse({ status: 200, type: InviteLinkListDto })
  @ApiResponse({ status: 403, description: 'room.forbidden (not owner or admin), room.not_member' })
  @ApiResponse({ status: 404, description: 'room.not_found' })
  listLinks(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Query() q: InviteLinksQuery,
  ): Promise<{ links: InviteLinkView[] }> {
    return this.rpc.request(Commands.ROOM_INVITE_LINKS_LIST, {
      actorId: user.sub,
      roomId,
      includeUsedUp: q.includeUsedUp === 'true',
    });
  }

  @Delete(':roomId/invite-links/:linkId')
  @ApiOperation({ summary: 'Revoke an invite link (owner or admin)' })
  revokeLink(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Param('linkId', uuidParam) linkId: string,
  ): Promise<{ revoked: true }> {
    return this.rpc.request(Commands.ROOM_INVITE_LINK_REVOKE, { actorId: user.sub, roomId, linkId });
  }

  @Put(':roomId/members/:userId/role')
  @ApiOperation({ summary: 'Make a member an admin or an admin a member (owner only)' })
  setRole(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Param('userId', uuidParam) userId: string,
    @Body() dto: MemberRoleDto,
  ): Promise<RoomDetailView> {
    return this.rpc.request(Commands.ROOM_MEMBER_ROLE_SET, {
      actorId: user.sub,
      roomId,
      userId,
      role: dto.role,
    });
  }

  @Post(':roomId/owner')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hand the room to another member (owner only); you stay on as an admin' })
  transfer(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() dto: TransferOwnershipDto,
  ): Promise<RoomDetailView> {
    return this.rpc.request(Commands.ROOM_OWNER_TRANSFER, { actorId: user.sub, roomId, userId: dto.userId });
  }
}

/** Public, so an <img> can load it, like an avatar: whoever has the room id may see its picture. */
@ApiTags('rooms')
@Controller('rooms')
export class RoomImagesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get(':roomId/image')
  @ApiOperation({ summary: "A room's image (no token needed; revalidate with If-None-Match)" })
  @ApiProduces(...IMAGE_TYPES)
  @ApiResponse({ status: 200, description: 'The image, with ETag and Cache-Control' })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag)' })
  @ApiResponse({ status: 404, description: 'room.no_image' })
  async image(
    @Param('roomId', uuidParam) roomId: string,
    @Query('v') version: string | undefined,
    @Res() res: Response,
    @Headers('if-none-match') ifNoneMatch?: string,
  ): Promise<void> {
    const image = await this.rpc.request(Commands.ROOM_IMAGE_GET, { roomId });
    const etag = `"${Date.parse(image.updatedAt).toString(36)}"`;
    res.setHeader('ETag', etag);
    // A versioned URL (RoomView.imageUrl) never changes content; the bare one may.
    res.setHeader('Cache-Control', version ? 'public, max-age=31536000, immutable' : 'public, max-age=60');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'");
    if (ifNoneMatch?.split(',').some((t) => t.trim() === etag)) {
      res.status(304).end();
      return;
    }
    res.status(200).setHeader('Content-Type', image.contentType);
    res.end(Buffer.from(image.data, 'base64'));
  }
}

import { Controller, Get, Headers, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AVATAR_CONTENT_TYPES, Commands, ProfileView, UserSearchView } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';
import { ProfileDto, UserSearchDto, UsersSearchQuery } from './dto/users.dto';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiBearerAuth()
  @UseGuards(AccessTokenGuard)
  @ApiOperation({
    summary: 'Find people by username or display-name prefix (to add friends)',
    description: 'Guests and deactivated accounts are not found.',
  })
  @ApiResponse({ status: 200, type: UserSearchDto })
  search(@CurrentUser() user: AccessClaims, @Query() q: UsersSearchQuery): Promise<UserSearchView> {
    return this.rpc.request(Commands.AUTH_USERS_SEARCH, {
      actorId: user.sub,
      query: q.query,
      limit: q.limit,
    });
  }

  @Get(':id')
  @ApiBearerAuth()
  @UseGuards(AccessTokenGuard)
  @ApiOperation({ summary: "A user's public profile" })
  @ApiResponse({ status: 200, type: ProfileDto })
  @ApiResponse({ status: 404, description: 'auth.user_not_found (also for a deactivated account)' })
  get(@Param('id', uuidParam) id: string): Promise<ProfileView> {
    return this.rpc.request(Commands.AUTH_USER_GET, { userId: id });
  }

  /**
   * Public, so an <img> can load it. Served with the type the auth service decided from the
   * bytes, never sniffed by the browser, and unable to run anything if opened on its own.
   */
  @Get(':id/avatar')
  @ApiOperation({ summary: "A user's avatar image (no token needed; revalidate with If-None-Match)" })
  @ApiProduces(...AVATAR_CONTENT_TYPES)
  @ApiResponse({ status: 200, description: 'The image, with ETag and Cache-Control' })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag)' })
  @ApiResponse({ status: 404, description: 'common.not_found: no avatar (or no such active user)' })
  async avatar(
    @Param('id', uuidParam) id: string,
    @Res() res: Response,
    @Headers('if-none-match') ifNoneMatch?: string,
  ): Promise<void> {
    const avatar = await this.rpc.request(Commands.AUTH_AVATAR_GET, {
      userId: id,
      ifNoneMatch: ifNoneMatch?.slice(0, 512),
    });
    res.setHeader('ETag', avatar.etag);
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'");
    if (avatar.notModified || avatar.data === undefined) {
      res.status(304).end();
      return;
    }
    res.status(200).setHeader('Content-Type', avatar.contentType);
    res.end(Buffer.from(avatar.data, 'base64'));
  }
}

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
  Req,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  AuthErrorCode,
  AVATAR_CONTENT_TYPES,
  AvatarContentType,
  Commands,
  ProfileView,
  RevokedSessionsView,
  SessionListView,
} from '@app/contracts';
import { AccessClaims, AppException } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { clientIp } from '../auth/client-ip';
import { RevokedSessionsDto } from '../auth/dto/auth.dto';
import { RetryAfterInterceptor } from '../auth/retry-after.interceptor';
import { uuidParam } from '../errors/uuid-param';
import { GatewayConfig } from '../gateway.config';
import { ProfileDto } from '../users/dto/users.dto';
import { ChangePasswordDto, MeDto, SessionListDto, UpdateProfileDto } from './dto/me.dto';
import { readBody } from './read-body';

export interface SessionUserView extends ProfileView {
  sessionId: string;
}

@ApiTags('me')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@UseInterceptors(RetryAfterInterceptor)
@Controller('me')
export class MeController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly config: GatewayConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Who the access token belongs to: profile and session' })
  @ApiResponse({ status: 200, type: MeDto })
  async me(@CurrentUser() user: AccessClaims): Promise<SessionUserView> {
    const profile = await this.rpc.request(Commands.AUTH_USER_GET, { userId: user.sub });
    return { ...profile, sessionId: user.sid };
  }

  @Patch()
  @ApiOperation({ summary: 'Change display name and/or status text' })
  @ApiResponse({ status: 200, type: ProfileDto })
  @ApiResponse({
    status: 400,
    description: 'common.validation_failed (too long, control characters, nothing sent)',
  })
  update(@CurrentUser() user: AccessClaims, @Body() dto: UpdateProfileDto): Promise<ProfileView> {
    return this.rpc.request(Commands.AUTH_PROFILE_UPDATE, { actorId: user.sub, ...dto });
  }

  @Put('avatar')
  @ApiOperation({
    summary: 'Upload an avatar: the raw image as the body',
    description: 'PNG, JPEG or WebP, checked by its bytes; at most AVATAR_MAX_BYTES (2 MiB by default).',
  })
  @ApiConsumes(...AVATAR_CONTENT_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 200, type: ProfileDto })
  @ApiResponse({ status: 403, description: 'auth.forbidden: guests cannot set an avatar' })
  @ApiResponse({ status: 413, description: 'common.payload_too_large' })
  @ApiResponse({
    status: 415,
    description: 'auth.invalid_image: not a PNG/JPEG/WebP, or the bytes are not what Content-Type says',
  })
  async setAvatar(
    @CurrentUser() user: AccessClaims,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Headers('content-type') contentType?: string,
  ): Promise<ProfileView> {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!(AVATAR_CONTENT_TYPES as readonly string[]).includes(type)) {
      throw new AppException(
        AuthErrorCode.INVALID_IMAGE,
        'Send the image as image/png, image/jpeg or image/webp',
      );
    }
    const data = await readBody(req, res, this.config.AVATAR_MAX_BYTES);
    return this.rpc.request(Commands.AUTH_AVATAR_SET, {
      actorId: user.sub,
      contentType: type as AvatarContentType,
      data: data.toString('base64'),
    });
  }

  @Delete('avatar')
  @ApiOperation({ summary: 'Remove the avatar' })
  @ApiResponse({ status: 200, type: ProfileDto })
  deleteAvatar(@CurrentUser() user: AccessClaims): Promise<ProfileView> {
    return this.rpc.request(Commands.AUTH_AVATAR_DELETE, { actorId: user.sub });
  }

  @Post('password')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the password; every other session is revoked' })
  @ApiResponse({ status: 200, type: RevokedSessionsDto })
  @ApiResponse({
    status: 400,
    description: 'auth.wrong_password | auth.weak_password | common.validation_failed',
  })
  @ApiResponse({ status: 403, description: 'auth.forbidden: a guest has no password' })
  @ApiResponse({ status: 429, description: 'common.rate_limited: too many wrong passwords; see Retry-After' })
  changePassword(
    @CurrentUser() user: AccessClaims,
    @Body() dto: ChangePasswordDto,
    @Req() req: Request,
  ): Promise<RevokedSessionsView> {
    return this.rpc.request(Commands.AUTH_PASSWORD_CHANGE, {
      actorId: user.sub,
      sessionId: user.sid,
      currentPassword: dto.currentPassword,
      newPassword: dto.newPassword,
      clientIp: clientIp(req, this.config.TRUST_PROXY),
    });
  }

  @Get('sessions')
  @ApiOperation({ summary: 'The devices signed in to this account' })
  @ApiResponse({ status: 200, type: SessionListDto })
  sessions(@CurrentUser() user: AccessClaims): Promise<SessionListView> {
    return this.rpc.request(Commands.AUTH_SESSIONS_LIST, { actorId: user.sub, sessionId: user.sid });
  }

  @Post('sessions/revoke-others')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign out every other device' })
  @ApiResponse({ status: 200, type: RevokedSessionsDto })
  revokeOthers(@CurrentUser() user: AccessClaims): Promise<RevokedSessionsView> {
    return this.rpc.request(Commands.AUTH_SESSIONS_REVOKE_OTHERS, { actorId: user.sub, sessionId: user.sid });
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out one device (this one too, if its id is given)' })
  @ApiResponse({ status: 204, description: 'Revoked' })
  @ApiResponse({ status: 404, description: 'auth.session_not_found: no active session of yours has this id' })
  async revoke(@CurrentUser() user: AccessClaims, @Param('id', uuidParam) id: string): Promise<void> {
    await this.rpc.request(Commands.AUTH_SESSION_REVOKE, {
      actorId: user.sub,
      sessionId: user.sid,
      targetSessionId: id,
    });
  }
}

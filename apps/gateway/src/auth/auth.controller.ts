import { Body, Controller, Headers, HttpCode, Post, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthResultView, Commands, RevokedSessionsView } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { GatewayConfig } from '../gateway.config';
import { AccessTokenGuard, CurrentUser } from './access-token.guard';
import { clientIp } from './client-ip';
import { AuthResultDto, GuestUpgradeDto, RefreshDto, RevokedSessionsDto } from './dto/auth.dto';
import { LoginDto, RegisterDto } from './dto/register.dto';
import { RetryAfterInterceptor } from './retry-after.interceptor';

const userAgentOf = (ua: string | undefined): string | undefined => ua?.slice(0, 512);

@ApiTags('auth')
@UseInterceptors(RetryAfterInterceptor)
@Controller('auth')
export class AuthController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly config: GatewayConfig,
  ) {}

  @Post('register')
  @ApiOperation({ summary: 'Create an account and a first session' })
  @ApiResponse({ status: 201, type: AuthResultDto })
  @ApiResponse({
    status: 400,
    description:
      'auth.invalid_username (also for reserved names) | auth.weak_password | common.validation_failed',
  })
  @ApiResponse({ status: 409, description: 'auth.username_taken (names are compared NFKC, ignoring case)' })
  register(
    @Body() dto: RegisterDto,
    @Req() req: Request,
    @Headers('user-agent') userAgent?: string,
  ): Promise<AuthResultView> {
    return this.rpc.request(Commands.AUTH_REGISTER, {
      ...dto,
      userAgent: userAgentOf(userAgent),
      clientIp: clientIp(req, this.config.TRUST_PROXY),
    });
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Open a session (one per device)' })
  @ApiResponse({ status: 200, type: AuthResultDto })
  @ApiResponse({
    status: 401,
    description: 'auth.invalid_credentials (same for unknown user, wrong password, deactivated account)',
  })
  @ApiResponse({
    status: 429,
    description: 'common.rate_limited: too many failures for this account or address; see Retry-After',
  })
  login(
    @Body() dto: LoginDto,
    @Req() req: Request,
    @Headers('user-agent') userAgent?: string,
  ): Promise<AuthResultView> {
    return this.rpc.request(Commands.AUTH_LOGIN, {
      ...dto,
      userAgent: userAgentOf(userAgent),
      clientIp: clientIp(req, this.config.TRUST_PROXY),
    });
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Trade a refresh token for a new access + refresh pair',
    description:
      'Each refresh token works once. Presenting one that was already traded revokes its whole ' +
      'session (someone else may hold a copy) and answers auth.refresh_reused.',
  })
  @ApiResponse({ status: 200, type: AuthResultDto })
  @ApiResponse({
    status: 401,
    description: 'auth.refresh_invalid (unknown or expired) | auth.refresh_reused | auth.session_revoked',
  })
  refresh(
    @Body() dto: RefreshDto,
    @Req() req: Request,
    @Headers('user-agent') userAgent?: string,
  ): Promise<AuthResultView> {
    return this.rpc.request(Commands.AUTH_REFRESH, {
      refreshToken: dto.refreshToken,
      userAgent: userAgentOf(userAgent),
      clientIp: clientIp(req, this.config.TRUST_PROXY),
    });
  }

  @Post('logout')
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(AccessTokenGuard)
  @ApiOperation({ summary: 'Revoke the session this token belongs to (its sockets are closed too)' })
  @ApiResponse({ status: 200, type: RevokedSessionsDto })
  logout(@CurrentUser() user: AccessClaims): Promise<RevokedSessionsView> {
    return this.rpc.request(Commands.AUTH_LOGOUT, { actorId: user.sub, sessionId: user.sid });
  }

  @Post('guest')
  @ApiOperation({
    summary: 'Become a guest: a generated nickname and a limited session (role guest)',
    description: 'Guests may only take part in topic rooms. The refresh token lives a day by default.',
  })
  @ApiResponse({ status: 201, type: AuthResultDto })
  @ApiResponse({ status: 429, description: 'common.rate_limited: too many guests from this address' })
  guest(@Req() req: Request, @Headers('user-agent') userAgent?: string): Promise<AuthResultView> {
    return this.rpc.request(Commands.AUTH_GUEST_CREATE, {
      userAgent: userAgentOf(userAgent),
      clientIp: clientIp(req, this.config.TRUST_PROXY),
    });
  }

  @Post('guest/upgrade')
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(AccessTokenGuard)
  @ApiOperation({
    summary:
      'Register the calling guest as a full user, keeping its id (and nickname unless a username is given)',
  })
  @ApiResponse({
    status: 200,
    type: AuthResultDto,
    description: 'New tokens for the same session, role user',
  })
  @ApiResponse({
    status: 400,
    description: 'auth.invalid_username | auth.weak_password | common.validation_failed',
  })
  @ApiResponse({ status: 403, description: 'auth.forbidden: the caller is not a guest' })
  @ApiResponse({ status: 409, description: 'auth.username_taken' })
  upgrade(@CurrentUser() user: AccessClaims, @Body() dto: GuestUpgradeDto): Promise<AuthResultView> {
    return this.rpc.request(Commands.AUTH_GUEST_UPGRADE, { actorId: user.sub, sessionId: user.sid, ...dto });
  }
}

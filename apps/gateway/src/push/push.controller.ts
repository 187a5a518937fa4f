import { Body, Controller, Delete, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Commands, PushConfigView } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { PushConfigDto, PushSubscriptionDto, PushUnsubscribedDto } from './dto/push.dto';

/** Web push: the room service stores subscriptions and pushes to members with no device connected. */
@ApiTags('push')
@Controller('push')
export class PushController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('config')
  @ApiOperation({ summary: 'Whether web push is on, and the VAPID public key to subscribe with' })
  @ApiResponse({ status: 200, type: PushConfigDto })
  config(): Promise<PushConfigView> {
    return this.rpc.request(Commands.PUSH_CONFIG_GET, {});
  }

  @Post('subscription')
  @HttpCode(204)
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Store this device's push subscription (one per session; replaces the session's previous one)",
  })
  @ApiResponse({ status: 204, description: 'Stored' })
  @ApiResponse({
    status: 400,
    description: 'common.validation_failed: endpoint not https, keys of the wrong length',
  })
  @ApiResponse({ status: 404, description: 'room.push_disabled: the server has no VAPID keys' })
  async subscribe(@CurrentUser() user: AccessClaims, @Body() dto: PushSubscriptionDto): Promise<void> {
    await this.rpc.request(Commands.PUSH_SUBSCRIBE, {
      actorId: user.sub,
      sessionId: user.sid,
      endpoint: dto.endpoint,
      keys: { p256dh: dto.keys.p256dh, auth: dto.keys.auth },
    });
  }

  @Delete('subscription')
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Forget this session's push subscription (idempotent)" })
  @ApiResponse({ status: 200, type: PushUnsubscribedDto })
  unsubscribe(@CurrentUser() user: AccessClaims): Promise<{ removed: boolean }> {
    return this.rpc.request(Commands.PUSH_UNSUBSCRIBE, { actorId: user.sub, sessionId: user.sid });
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  Commands,
  IntegrationCredentialsView,
  IntegrationDirectoryView,
  IntegrationListView,
  IntegrationView,
  MemberView,
} from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';
import {
  AddIntegrationToRoomDto,
  CreateIntegrationDto,
  IntegrationCredentialsDto,
  IntegrationDirectoryDto,
  IntegrationDto,
  IntegrationListDto,
  RoomMemberDto,
} from './dto/integrations.dto';
import { RoomIntegrationsService } from './room-integrations.service';

/** Admins manage integration accounts; the auth service checks the role from its database. */
@ApiTags('integrations')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('admin/integrations')
export class AdminIntegrationsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @ApiOperation({
    summary: 'Create an integration (bot): its account, RabbitMQ user, permissions and queue',
    description: 'The answer holds the broker password. It is shown only here and at rotation.',
  })
  @ApiResponse({ status: 201, type: IntegrationCredentialsDto })
  @ApiResponse({ status: 403, description: 'auth.forbidden: not an administrator' })
  @ApiResponse({ status: 409, description: 'integration.name_taken' })
  @ApiResponse({ status: 503, description: 'integration.broker_unavailable: nothing was created' })
  create(
    @CurrentUser() user: AccessClaims,
    @Body() body: CreateIntegrationDto,
  ): Promise<IntegrationCredentialsView> {
    return this.rpc.request(Commands.INTEGRATION_CREATE, { actorId: user.sub, name: body.name });
  }

  @Get()
  @ApiOperation({ summary: 'Every integration, revoked ones too' })
  @ApiResponse({ status: 200, type: IntegrationListDto })
  @ApiResponse({ status: 403, description: 'auth.forbidden' })
  list(@CurrentUser() user: AccessClaims): Promise<IntegrationListView> {
    return this.rpc.request(Commands.INTEGRATIONS_LIST, { actorId: user.sub });
  }

  @Post(':id/credentials')
  @ApiOperation({
    summary: 'Issue a new broker password',
    description: 'The old password stops working and the bot’s open connections are closed.',
  })
  @ApiResponse({ status: 201, type: IntegrationCredentialsDto })
  @ApiResponse({ status: 404, description: 'integration.not_found' })
  @ApiResponse({ status: 410, description: 'integration.revoked' })
  rotate(
    @CurrentUser() user: AccessClaims,
    @Param('id', uuidParam) id: string,
  ): Promise<IntegrationCredentialsView> {
    return this.rpc.request(Commands.INTEGRATION_CREDENTIALS_ROTATE, {
      actorId: user.sub,
      integrationId: id,
    });
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke an integration',
    description: 'Its RabbitMQ user, connections and queue are deleted; its account is deactivated.',
  })
  @ApiResponse({ status: 200, type: IntegrationDto })
  @ApiResponse({ status: 404, description: 'integration.not_found' })
  revoke(@CurrentUser() user: AccessClaims, @Param('id', uuidParam) id: string): Promise<IntegrationView> {
    return this.rpc.request(Commands.INTEGRATION_REVOKE, { actorId: user.sub, integrationId: id });
  }
}

@ApiTags('integrations')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller()
export class IntegrationsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly rooms: RoomIntegrationsService,
  ) {}

  @Get('integrations')
  @ApiOperation({ summary: 'The active integrations, to pick one to add to a room' })
  @ApiResponse({ status: 200, type: IntegrationDirectoryDto })
  directory(@CurrentUser() user: AccessClaims): Promise<IntegrationDirectoryView> {
    return this.rpc.request(Commands.INTEGRATIONS_DIRECTORY, { actorId: user.sub });
  }

  @Post('rooms/:roomId/integrations')
  @ApiOperation({
    summary: 'Add an integration to a room (owner or admin)',
    description: 'The bot becomes a member: the room’s events reach its queue, and it may post.',
  })
  @ApiResponse({ status: 201, type: RoomMemberDto })
  @ApiResponse({ status: 403, description: 'room.forbidden / room.not_member' })
  @ApiResponse({ status: 404, description: 'integration.not_found / room.not_found' })
  @ApiResponse({ status: 409, description: 'room.already_member / room.full' })
  @ApiResponse({ status: 410, description: 'integration.revoked' })
  add(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() body: AddIntegrationToRoomDto,
  ): Promise<MemberView> {
    return this.rooms.add(user.sub, roomId, body.integrationId);
  }

  @Delete('rooms/:roomId/integrations/:integrationId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an integration from a room (owner or admin)' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 403, description: 'room.forbidden / room.not_member' })
  @ApiResponse({ status: 404, description: 'room.target_not_member' })
  async remove(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Param('integrationId', uuidParam) integrationId: string,
  ): Promise<void> {
    await this.rpc.request(Commands.ROOM_INTEGRATION_REMOVE, { actorId: user.sub, roomId, integrationId });
  }
}

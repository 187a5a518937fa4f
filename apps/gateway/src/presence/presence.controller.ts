import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Commands, PresenceView } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';

@ApiTags('presence')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('rooms/:roomId/presence')
export class PresenceController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: "The room's members and whether they are online, away or offline (members only)" })
  @ApiResponse({ status: 200, description: '{presence: PresenceView[]}' })
  @ApiResponse({ status: 403, description: 'room.not_member' })
  list(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
  ): Promise<{ presence: PresenceView[] }> {
    return this.rpc.request(Commands.PRESENCE_LIST, { actorId: user.sub, roomId });
  }
}

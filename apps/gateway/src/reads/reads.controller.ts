import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Commands, ReadPositionView } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';
import { MarkReadDto } from './dto/mark-read.dto';

@ApiTags('reads')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('rooms/:roomId')
export class ReadsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('read')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark the room read up to a seq (forward only); your other devices and the room are told',
  })
  @ApiResponse({ status: 200, description: 'ReadPositionView' })
  @ApiResponse({ status: 403, description: 'room.not_member' })
  mark(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() dto: MarkReadDto,
  ): Promise<ReadPositionView> {
    return this.rpc.request(Commands.READ_MARK, { actorId: user.sub, roomId, seq: dto.seq });
  }

  @Get('reads')
  @ApiOperation({ summary: "Every member's read position (read receipts)" })
  @ApiResponse({ status: 200, description: '{positions: ReadPositionView[]}' })
  list(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
  ): Promise<{ positions: ReadPositionView[] }> {
    return this.rpc.request(Commands.READ_POSITIONS_LIST, { actorId: user.sub, roomId });
  }
}

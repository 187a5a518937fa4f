import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Commands, RoomDetailView, RoomView } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';
import { CreateRoomDto } from './dto/create-room.dto';

@ApiTags('rooms')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('rooms')
export class RoomsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @ApiOperation({ summary: 'Create a group room; the caller becomes its owner' })
  @ApiResponse({ status: 201, description: 'RoomView' })
  create(@CurrentUser() user: AccessClaims, @Body() dto: CreateRoomDto): Promise<RoomView> {
    return this.rpc.request(Commands.ROOM_CREATE, {
      actorId: user.sub,
      actorName: user.name,
      kind: 'group',
      name: dto.name,
    });
  }

  @Get()
  @ApiOperation({ summary: "The caller's rooms" })
  list(@CurrentUser() user: AccessClaims): Promise<{ rooms: RoomView[] }> {
    return this.rpc.request(Commands.ROOM_LIST, { actorId: user.sub });
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

  @Post(':roomId/join')
  @HttpCode(200)
  @ApiOperation({ summary: 'Join a group room by its id (idempotent)' })
  @ApiResponse({ status: 409, description: 'room.full' })
  join(@CurrentUser() user: AccessClaims, @Param('roomId', uuidParam) roomId: string): Promise<RoomView> {
    return this.rpc.request(Commands.ROOM_JOIN, { actorId: user.sub, actorName: user.name, roomId });
  }
}

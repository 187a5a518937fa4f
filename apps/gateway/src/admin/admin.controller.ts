import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminUserPageView, AdminUserView, Commands } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';
import { AdminUserDto, AdminUserPageDto, AdminUsersQuery } from './dto/admin.dto';

/** The auth service decides who is an admin (from its database, not from the token's role claim). */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@ApiResponse({ status: 403, description: 'auth.forbidden: the caller is not an administrator' })
@Controller('admin/users')
export class AdminController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Every account (guests and deactivated too), oldest first, paged' })
  @ApiResponse({ status: 200, type: AdminUserPageDto })
  list(@CurrentUser() user: AccessClaims, @Query() q: AdminUsersQuery): Promise<AdminUserPageView> {
    return this.rpc.request(Commands.AUTH_ADMIN_USERS_LIST, { actorId: user.sub, ...q });
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deactivate an account: its sessions are revoked and it can no longer log in' })
  @ApiResponse({ status: 200, type: AdminUserDto })
  @ApiResponse({ status: 404, description: 'auth.user_not_found' })
  deactivate(@CurrentUser() user: AccessClaims, @Param('id', uuidParam) id: string): Promise<AdminUserView> {
    return this.rpc.request(Commands.AUTH_ADMIN_USER_DEACTIVATE, { actorId: user.sub, userId: id });
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Let a deactivated account log in again' })
  @ApiResponse({ status: 200, type: AdminUserDto })
  @ApiResponse({ status: 404, description: 'auth.user_not_found' })
  reactivate(@CurrentUser() user: AccessClaims, @Param('id', uuidParam) id: string): Promise<AdminUserView> {
    return this.rpc.request(Commands.AUTH_ADMIN_USER_REACTIVATE, { actorId: user.sub, userId: id });
  }
}

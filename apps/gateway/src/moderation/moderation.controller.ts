import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CommandResults, Commands, ReportView, SiteReportPageView } from '@app/contracts';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';
import {
  AuditQuery,
  BanDto,
  KickDto,
  MuteDto,
  ReportDto,
  ReportsQuery,
  ResolveReportDto,
  SiteReportPageDto,
  SiteReportsQuery,
} from './dto/moderation.dto';

type Result<C extends keyof CommandResults> = Promise<CommandResults[C]>;

/**
 * Moderation of one room: the owner and admins act (an admin only on members), every action is
 * logged and announced in the room; any member may report a message.
 */
@ApiTags('moderation')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('rooms/:roomId')
export class ModerationController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('members/:userId/kick')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove a member (they may come back with a new invite)' })
  @ApiResponse({ status: 403, description: 'room.forbidden: not a moderator, or the target outranks you' })
  @ApiResponse({ status: 404, description: 'room.target_not_member' })
  kick(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Param('userId', uuidParam) userId: string,
    @Body() dto: KickDto,
  ): Result<typeof Commands.MODERATION_KICK> {
    return this.rpc.request(Commands.MODERATION_KICK, { actorId: user.sub, roomId, userId, ...dto });
  }

  @Post('bans')
  @ApiOperation({ summary: 'Ban a user: removed if a member, and kept out until unbanned' })
  ban(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() dto: BanDto,
  ): Result<typeof Commands.MODERATION_BAN> {
    return this.rpc.request(Commands.MODERATION_BAN, { actorId: user.sub, roomId, ...dto });
  }

  @Get('bans')
  @ApiOperation({ summary: "The room's bans (owner or admin)" })
  bans(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
  ): Result<typeof Commands.MODERATION_BANS_LIST> {
    return this.rpc.request(Commands.MODERATION_BANS_LIST, { actorId: user.sub, roomId });
  }

  @Delete('bans/:userId')
  @ApiOperation({ summary: 'Lift a ban' })
  @ApiResponse({ status: 404, description: 'moderation.not_banned' })
  unban(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Param('userId', uuidParam) userId: string,
  ): Result<typeof Commands.MODERATION_UNBAN> {
    return this.rpc.request(Commands.MODERATION_UNBAN, { actorId: user.sub, roomId, userId });
  }

  @Post('members/:userId/mute')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mute a member for a while: they read but cannot post (room.muted)' })
  mute(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Param('userId', uuidParam) userId: string,
    @Body() dto: MuteDto,
  ): Result<typeof Commands.MODERATION_MUTE> {
    return this.rpc.request(Commands.MODERATION_MUTE, { actorId: user.sub, roomId, userId, ...dto });
  }

  @Delete('members/:userId/mute')
  @ApiOperation({ summary: 'Unmute a member' })
  unmute(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Param('userId', uuidParam) userId: string,
  ): Result<typeof Commands.MODERATION_UNMUTE> {
    return this.rpc.request(Commands.MODERATION_UNMUTE, { actorId: user.sub, roomId, userId });
  }

  @Post('reports')
  @ApiOperation({ summary: "Report a message to the room's moderators (any member; once per message)" })
  report(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Body() dto: ReportDto,
  ): Promise<ReportView> {
    return this.rpc.request(Commands.MODERATION_REPORT, { actorId: user.sub, roomId, ...dto });
  }

  @Get('reports')
  @ApiOperation({ summary: 'The moderation queue (owner or admin), newest first' })
  reports(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Query() q: ReportsQuery,
  ): Result<typeof Commands.MODERATION_REPORTS_LIST> {
    return this.rpc.request(Commands.MODERATION_REPORTS_LIST, { actorId: user.sub, roomId, ...q });
  }

  @Post('reports/:reportId/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: "Resolve a report (the room's owner or admin, or a site admin)" })
  @ApiResponse({ status: 403, description: 'room.forbidden' })
  @ApiResponse({ status: 404, description: 'moderation.report_not_found' })
  @ApiResponse({ status: 409, description: 'moderation.report_resolved' })
  resolve(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Param('reportId', uuidParam) reportId: string,
    @Body() dto: ResolveReportDto,
  ): Promise<ReportView> {
    return this.rpc.request(Commands.MODERATION_REPORT_RESOLVE, {
      actorId: user.sub,
      actorRole: user.role,
      roomId,
      reportId,
      ...dto,
    });
  }

  @Get('audit')
  @ApiOperation({ summary: "The room's moderation audit log (owner or admin), newest first" })
  audit(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Query() q: AuditQuery,
  ): Result<typeof Commands.MODERATION_AUDIT_LIST> {
    return this.rpc.request(Commands.MODERATION_AUDIT_LIST, { actorId: user.sub, roomId, ...q });
  }
}

/**
 * Every room's reports for site admins (token role `admin`), who need not be members; they
 * resolve one with `POST /rooms/:roomId/reports/:reportId/resolve`.
 */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@ApiResponse({ status: 403, description: 'room.forbidden: the caller is not a site admin' })
@Controller('admin/reports')
export class SiteReportsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Reports of every room, newest first, paged (site admins only)' })
  @ApiResponse({ status: 200, type: SiteReportPageDto })
  list(@CurrentUser() user: AccessClaims, @Query() q: SiteReportsQuery): Promise<SiteReportPageView> {
    return this.rpc.request(Commands.MODERATION_REPORTS_ALL, {
      actorId: user.sub,
      actorRole: user.role,
      ...q,
    });
  }
}

import { Injectable } from '@nestjs/common';
import {
  BanUserCommand,
  CommandResults,
  Commands,
  KickMemberCommand,
  ListAllReportsCommand,
  ListAuditCommand,
  ListBansCommand,
  ListReportsCommand,
  MuteMemberCommand,
  ReportMessageCommand,
  ReportView,
  ResolveReportCommand,
  UnbanUserCommand,
  UnmuteMemberCommand,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { toAuditEntryView } from '../audit/audit.mapper';
import { toBanView, toReportView } from './moderation.mapper';
import { ModerationService } from './moderation.service';

type Result<C extends keyof CommandResults> = Promise<CommandResults[C]>;

@Injectable()
export class ModerationHandler {
  constructor(private readonly moderation: ModerationService) {}

  @CommandHandler(Commands.MODERATION_KICK)
  async kick(cmd: KickMemberCommand): Result<typeof Commands.MODERATION_KICK> {
    const auditId = await this.moderation.kick(cmd.actorId, cmd.roomId, cmd.userId, cmd.reason);
    return { roomId: cmd.roomId, userId: cmd.userId, auditId };
  }

  @CommandHandler(Commands.MODERATION_BAN)
  async ban(cmd: BanUserCommand): Result<typeof Commands.MODERATION_BAN> {
    const { ban, auditId } = await this.moderation.ban(cmd.actorId, cmd.roomId, cmd.userId, cmd.reason);
    return { ...toBanView(ban), auditId };
  }

  @CommandHandler(Commands.MODERATION_UNBAN)
  async unban(cmd: UnbanUserCommand): Result<typeof Commands.MODERATION_UNBAN> {
    const auditId = await this.moderation.unban(cmd.actorId, cmd.roomId, cmd.userId);
    return { roomId: cmd.roomId, userId: cmd.userId, auditId };
  }

  @CommandHandler(Commands.MODERATION_BANS_LIST)
  async bans(cmd: ListBansCommand): Result<typeof Commands.MODERATION_BANS_LIST> {
    return { bans: (await this.moderation.listBans(cmd.actorId, cmd.roomId)).map(toBanView) };
  }

  @CommandHandler(Commands.MODERATION_MUTE)
  async mute(cmd: MuteMemberCommand): Result<typeof Commands.MODERATION_MUTE> {
    const { mutedUntil, auditId } = await this.moderation.mute(
      cmd.actorId,
      cmd.roomId,
      cmd.userId,
      cmd.durationSeconds,
      cmd.reason,
    );
    return { roomId: cmd.roomId, userId: cmd.userId, mutedUntil: mutedUntil.toISOString(), auditId };
  }

  @CommandHandler(Commands.MODERATION_UNMUTE)
  async unmute(cmd: UnmuteMemberCommand): Result<typeof Commands.MODERATION_UNMUTE> {
    const auditId = await this.moderation.unmute(cmd.actorId, cmd.roomId, cmd.userId);
    return { roomId: cmd.roomId, userId: cmd.userId, auditId };
  }

  @CommandHandler(Commands.MODERATION_REPORT)
  async report(cmd: ReportMessageCommand): Promise<ReportView> {
    return toReportView(await this.moderation.report(cmd.actorId, cmd.roomId, cmd.messageId, cmd.reason));
  }

  @CommandHandler(Commands.MODERATION_REPORTS_LIST)
  async reports(cmd: ListReportsCommand): Result<typeof Commands.MODERATION_REPORTS_LIST> {
    return {
      reports: (await this.moderation.listReports(cmd.actorId, cmd.roomId, cmd.status)).map(toReportView),
    };
  }

  @CommandHandler(Commands.MODERATION_REPORT_RESOLVE)
  async resolve(cmd: ResolveReportCommand): Promise<ReportView> {
    return toReportView(
      await this.moderation.resolveReport(
        cmd.actorId,
        cmd.roomId,
        cmd.reportId,
        cmd.resolution,
        cmd.note,
        cmd.actorRole,
      ),
    );
  }

  @CommandHandler(Commands.MODERATION_REPORTS_ALL)
  async allReports(cmd: ListAllReportsCommand): Result<typeof Commands.MODERATION_REPORTS_ALL> {
    const page = await this.moderation.listAllReports(cmd.actorRole, cmd);
    return {
      reports: page.reports.map(({ report, roomName }) => ({ ...toReportView(report), roomName })),
      nextCursor: page.nextCursor,
    };
  }

  @CommandHandler(Commands.MODERATION_AUDIT_LIST)
  async audit(cmd: ListAuditCommand): Result<typeof Commands.MODERATION_AUDIT_LIST> {
    const entries = await this.moderation.listAudit(cmd.actorId, cmd.roomId, cmd.limit, cmd.before);
    return { entries: entries.map(toAuditEntryView) };
  }
}

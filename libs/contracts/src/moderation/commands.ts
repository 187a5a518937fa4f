import { Equals, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsId } from '../ids';
import { Limits } from '../limits';
import { ActorRole, ShortText } from '../rooms/fields';
import type { UserRole } from '../views';
import type {
  AuditEntryView,
  BanView,
  ReportResolution,
  ReportStatus,
  ReportView,
  SiteReportPageView,
} from './views';

export * from './views';

export const MODERATION_REASON_MAX = 500;
/** Mutes last at most 30 days; longer is a ban. */
export const MUTE_MAX_SECONDS = 30 * 24 * 3600;

/**
 * Moderation of a room (queue `happychat.room.commands`). The owner and admins moderate; an
 * admin cannot act on the owner or another admin, and nobody on themselves. Every action is
 * written to the room's audit log and announced in the room as a system message.
 */
export const ModerationCommands = {
  MODERATION_KICK: 'moderation.kick',
  MODERATION_BAN: 'moderation.ban',
  MODERATION_UNBAN: 'moderation.unban',
  MODERATION_BANS_LIST: 'moderation.bans.list',
  MODERATION_MUTE: 'moderation.mute',
  MODERATION_UNMUTE: 'moderation.unmute',
  MODERATION_REPORT: 'moderation.report',
  MODERATION_REPORTS_LIST: 'moderation.reports.list',
  MODERATION_REPORTS_ALL: 'moderation.reports.all',
  MODERATION_REPORT_RESOLVE: 'moderation.report.resolve',
  MODERATION_AUDIT_LIST: 'moderation.audit.list',
} as const;
const C = ModerationCommands;

abstract class RoomActionBase {
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
}

abstract class MemberActionBase extends RoomActionBase {
  /** The member acted on. */
  @IsId() userId: string;
}

/** Remove a member; they may come back with a new invite. */
export class KickMemberCommand extends MemberActionBase {
  static readonly TYPE = C.MODERATION_KICK;
  @Equals(C.MODERATION_KICK) type: typeof C.MODERATION_KICK;
  @IsOptional() @ShortText(MODERATION_REASON_MAX) reason?: string;
}

/** Remove a member (or keep a non-member out) until unbanned. */
export class BanUserCommand extends MemberActionBase {
  static readonly TYPE = C.MODERATION_BAN;
  @Equals(C.MODERATION_BAN) type: typeof C.MODERATION_BAN;
  @IsOptional() @ShortText(MODERATION_REASON_MAX) reason?: string;
}

export class UnbanUserCommand extends MemberActionBase {
  static readonly TYPE = C.MODERATION_UNBAN;
  @Equals(C.MODERATION_UNBAN) type: typeof C.MODERATION_UNBAN;
}

export class ListBansCommand extends RoomActionBase {
  static readonly TYPE = C.MODERATION_BANS_LIST;
  @Equals(C.MODERATION_BANS_LIST) type: typeof C.MODERATION_BANS_LIST;
}

/** The member stays, reads, but cannot post for `durationSeconds`. */
export class MuteMemberCommand extends MemberActionBase {
  static readonly TYPE = C.MODERATION_MUTE;
  @Equals(C.MODERATION_MUTE) type: typeof C.MODERATION_MUTE;
  @IsInt() @Min(1) @Max(MUTE_MAX_SECONDS) durationSeconds: number;
  @IsOptional() @ShortText(MODERATION_REASON_MAX) reason?: string;
}

export class UnmuteMemberCommand extends MemberActionBase {
  static readonly TYPE = C.MODERATION_UNMUTE;
  @Equals(C.MODERATION_UNMUTE) type: typeof C.MODERATION_UNMUTE;
}

/** Any member reports a message of the room to its moderators. */
export class ReportMessageCommand extends RoomActionBase {
  static readonly TYPE = C.MODERATION_REPORT;
  @Equals(C.MODERATION_REPORT) type: typeof C.MODERATION_REPORT;
  @IsId() messageId: string;
  @ShortText(MODERATION_REASON_MAX) reason: string;
}

export class ListReportsCommand extends RoomActionBase {
  static readonly TYPE = C.MODERATION_REPORTS_LIST;
  @Equals(C.MODERATION_REPORTS_LIST) type: typeof C.MODERATION_REPORTS_LIST;
  @IsOptional() @IsIn(['open', 'resolved']) status?: ReportStatus;
}

/**
 * Site admins only (token role `admin`): reports of every room, newest first, a page at a time
 * (`cursor` is the last report id of the previous page).
 */
export class ListAllReportsCommand {
  static readonly TYPE = C.MODERATION_REPORTS_ALL;
  @Equals(C.MODERATION_REPORTS_ALL) type: typeof C.MODERATION_REPORTS_ALL;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @ActorRole() actorRole?: UserRole;
  @IsOptional() @IsIn(['open', 'resolved']) status?: ReportStatus;
  @IsOptional() @IsId() cursor?: string;
  @IsOptional() @IsInt() @Min(1) @Max(Limits.PAGE_MAX) limit?: number;
}

/** The room's owner or admins, or a site admin (token role `admin`) for any room. */
export class ResolveReportCommand extends RoomActionBase {
  static readonly TYPE = C.MODERATION_REPORT_RESOLVE;
  @Equals(C.MODERATION_REPORT_RESOLVE) type: typeof C.MODERATION_REPORT_RESOLVE;
  @ActorRole() actorRole?: UserRole;
  @IsId() reportId: string;
  @IsIn(['dismissed', 'actioned']) resolution: ReportResolution;
  @IsOptional() @ShortText(MODERATION_REASON_MAX) note?: string;
}

/** Newest first. */
export class ListAuditCommand extends RoomActionBase {
  static readonly TYPE = C.MODERATION_AUDIT_LIST;
  @Equals(C.MODERATION_AUDIT_LIST) type: typeof C.MODERATION_AUDIT_LIST;
  @IsOptional() @IsInt() @Min(1) @Max(200) limit?: number;
  /** Entries older than this entry id. */
  @IsOptional() @IsId() before?: string;
}

export interface ModerationCommandResults {
  [C.MODERATION_KICK]: { roomId: string; userId: string; auditId: string };
  [C.MODERATION_BAN]: BanView & { auditId: string };
  [C.MODERATION_UNBAN]: { roomId: string; userId: string; auditId: string };
  [C.MODERATION_BANS_LIST]: { bans: BanView[] };
  [C.MODERATION_MUTE]: { roomId: string; userId: string; mutedUntil: string; auditId: string };
  [C.MODERATION_UNMUTE]: { roomId: string; userId: string; auditId: string };
  [C.MODERATION_REPORT]: ReportView;
  [C.MODERATION_REPORTS_LIST]: { reports: ReportView[] };
  [C.MODERATION_REPORTS_ALL]: SiteReportPageView;
  [C.MODERATION_REPORT_RESOLVE]: ReportView;
  [C.MODERATION_AUDIT_LIST]: { entries: AuditEntryView[] };
}

export const ModerationCommandClasses = {
  [C.MODERATION_KICK]: KickMemberCommand,
  [C.MODERATION_BAN]: BanUserCommand,
  [C.MODERATION_UNBAN]: UnbanUserCommand,
  [C.MODERATION_BANS_LIST]: ListBansCommand,
  [C.MODERATION_MUTE]: MuteMemberCommand,
  [C.MODERATION_UNMUTE]: UnmuteMemberCommand,
  [C.MODERATION_REPORT]: ReportMessageCommand,
  [C.MODERATION_REPORTS_LIST]: ListReportsCommand,
  [C.MODERATION_REPORTS_ALL]: ListAllReportsCommand,
  [C.MODERATION_REPORT_RESOLVE]: ResolveReportCommand,
  [C.MODERATION_AUDIT_LIST]: ListAuditCommand,
} as const;

export interface BanView {
  roomId: string;
  userId: string;
  bannedBy: string;
  reason?: string;
  createdAt: string;
}

export type ReportStatus = 'open' | 'resolved';
export type ReportResolution = 'dismissed' | 'actioned';

export interface ReportView {
  id: string;
  roomId: string;
  messageId: string;
  reporterId: string;
  reason: string;
  /** The reported message's sender and text as they were when reported ('' for a deleted one). */
  messageSenderId?: string;
  messageExcerpt?: string;
  status: ReportStatus;
  resolution?: ReportResolution;
  note?: string;
  resolvedBy?: string;
  resolvedAt?: string;
  createdAt: string;
}

/** A report in the site-wide queue, with its room's name (site admins need not be members). */
export interface SiteReportView extends ReportView {
  roomName: string;
}

export interface SiteReportPageView {
  reports: SiteReportView[];
  /** Pass as `cursor` for the next (older) page; null on the last one. */
  nextCursor: string | null;
}

export type ModerationAction =
  | 'member.kick'
  | 'member.ban'
  | 'member.unban'
  | 'member.mute'
  | 'member.unmute'
  | 'member.role'
  | 'room.owner'
  | 'room.rename'
  | 'room.settings'
  | 'room.image'
  | 'report.resolve'
  | 'message.delete';

/** One line of a room's moderation audit log. */
export interface AuditEntryView {
  id: string;
  roomId: string;
  actorId: string;
  action: ModerationAction;
  targetUserId?: string;
  targetMessageId?: string;
  details?: Record<string, unknown>;
  createdAt: string;
}

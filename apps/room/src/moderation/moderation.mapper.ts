import type { BanView, ReportView } from '@app/contracts';
import type { BanEntity } from '../rooms/entities/ban.entity';
import type { ReportEntity } from './entities/report.entity';

export function toBanView(b: BanEntity): BanView {
  const view: BanView = {
    roomId: b.roomId,
    userId: b.userId,
    bannedBy: b.bannedBy,
    createdAt: b.createdAt.toISOString(),
  };
  if (b.reason) view.reason = b.reason;
  return view;
}

export function toReportView(r: ReportEntity): ReportView {
  const view: ReportView = {
    id: r.id,
    roomId: r.roomId,
    messageId: r.messageId,
    reporterId: r.reporterId,
    reason: r.reason,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
  };
  if (r.messageSenderId) view.messageSenderId = r.messageSenderId;
  if (r.messageExcerpt !== null) view.messageExcerpt = r.messageExcerpt;
  if (r.resolution) view.resolution = r.resolution;
  if (r.note) view.note = r.note;
  if (r.resolvedBy) view.resolvedBy = r.resolvedBy;
  if (r.resolvedAt) view.resolvedAt = r.resolvedAt.toISOString();
  return view;
}

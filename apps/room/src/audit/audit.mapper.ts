import type { AuditEntryView } from '@app/contracts';
import type { AuditEntryEntity } from './entities/audit-entry.entity';

export function toAuditEntryView(e: AuditEntryEntity): AuditEntryView {
  const view: AuditEntryView = {
    id: e.id,
    roomId: e.roomId,
    actorId: e.actorId,
    action: e.action,
    createdAt: e.createdAt.toISOString(),
  };
  if (e.targetUserId) view.targetUserId = e.targetUserId;
  if (e.targetMessageId) view.targetMessageId = e.targetMessageId;
  if (e.details) view.details = e.details;
  return view;
}

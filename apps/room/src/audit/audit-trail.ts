import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ModerationAction } from '@app/contracts';
import { uuidv7 } from '@app/common';
import { OutboxStreams } from '../outbox/outbox-op';
import { OutboxWriter } from '../outbox/outbox.repository';
import { AuditRepository } from './audit.repository';
import { AuditEntryEntity } from './entities/audit-entry.entity';

export interface AuditRecord {
  roomId: string;
  actorId: string;
  action: ModerationAction;
  targetUserId?: string;
  targetMessageId?: string;
  details?: Record<string, unknown>;
  /** What the room is told, as a system message from the actor; none for private reviews. */
  announcement?: string;
}

/** The clientMsgId of an action's system message: derived from the audit id, so a replay is one message. */
export function systemMessageId(auditId: string): string {
  return `audit-${auditId}`;
}

/**
 * Every moderation action is written to the audit log and announced to the room as a system
 * message, both inside the action's own transaction: the announcement goes through the outbox
 * (the room's stream, not awaited by the caller), so it cannot be lost or sent for an action
 * that rolled back.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly repo: AuditRepository) {}

  async record(
    manager: EntityManager,
    outbox: OutboxWriter,
    record: AuditRecord,
    at = new Date(),
  ): Promise<string> {
    const entry: AuditEntryEntity = {
      id: uuidv7(),
      roomId: record.roomId,
      actorId: record.actorId,
      action: record.action,
      targetUserId: record.targetUserId ?? null,
      targetMessageId: record.targetMessageId ?? null,
      details: record.details ?? null,
      createdAt: at,
    };
    await this.repo.insert(manager, entry);
    if (!record.announcement) return entry.id;
    await outbox.add(
      OutboxStreams.announcements(record.roomId),
      [
        {
          kind: 'system_message',
          roomId: record.roomId,
          senderId: record.actorId,
          clientMsgId: systemMessageId(entry.id),
          content: record.announcement,
          // The announcement follows what the action did on the broker: a kicked member's
          // gateways drop them (and a bot is unbound) before the room is told, so the telling
          // never reaches them.
          after: [...outbox.receipt.awaited.values()].flat(),
        },
      ],
      { awaited: false },
    );
    return entry.id;
  }
}

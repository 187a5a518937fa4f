import { Injectable } from '@nestjs/common';
import {
  Events,
  ModerationErrorCode,
  ReportResolution,
  ReportStatus,
  RoomErrorCode,
  UserRole,
} from '@app/contracts';
import { AppException, uuidv7 } from '@app/common';
import { MessagesService, visibleFrom } from '../messages/messages.service';
import { AuditRepository } from '../audit/audit.repository';
import { AuditTrail } from '../audit/audit-trail';
import { AuditEntryEntity } from '../audit/entities/audit-entry.entity';
import { BanEntity } from '../rooms/entities/ban.entity';
import { MembershipEntity } from '../rooms/entities/membership.entity';
import { RoomEntity } from '../rooms/entities/room.entity';
import { RoomsRepository, RoomsTransaction } from '../rooms/rooms.repository';
import { describeDuration, eventMeta, outranks, RoomsService } from '../rooms/rooms.service';
import { ReportEntity } from './entities/report.entity';
import { ModerationRepository } from './moderation.repository';

function withReason(sentence: string, reason?: string): string {
  return reason ? `${sentence}: ${reason}` : sentence;
}

/**
 * Kick, ban, mute, reports and the audit log. Each action runs in one transaction with its
 * membership change, its audit entry, and the outbox ops that carry it out on the broker and
 * announce it (the room event, and a system message from the moderator); it is acknowledged
 * once the member's devices are told (a bot's inbox unbound) and the room told.
 */
/** How much of a reported message a report keeps, in characters. */
const REPORT_EXCERPT_MAX = 1000;

@Injectable()
export class ModerationService {
  constructor(
    private readonly rooms: RoomsService,
    private readonly roomsRepo: RoomsRepository,
    private readonly repo: ModerationRepository,
    private readonly audit: AuditTrail,
    private readonly auditLog: AuditRepository,
    private readonly messages: MessagesService,
  ) {}

  async kick(actorId: string, roomId: string, userId: string, reason?: string): Promise<string> {
    return this.rooms.change(async (tx) => {
      const { room, actor, target } = await this.moderate(tx, roomId, actorId, userId);
      if (!target)
        throw new AppException(RoomErrorCode.TARGET_NOT_MEMBER, 'That user is not a member of this room');
      await this.rooms.removeMemberIn(tx, room, userId, 'kicked', actorId, reason);
      return this.audit.record(tx.manager, tx.outbox, {
        roomId,
        actorId,
        action: 'member.kick',
        targetUserId: userId,
        details: reason ? { reason } : undefined,
        announcement: withReason(`${actor.displayName} removed ${target.displayName} from the room`, reason),
      });
    });
  }

  /** Bans a member (removing them) or keeps a non-member out. Banning twice changes nothing. */
  async ban(
    actorId: string,
    roomId: string,
    userId: string,
    reason?: string,
  ): Promise<{ ban: BanEntity; auditId: string }> {
    return this.rooms.change(async (tx) => {
      const { room, actor, target } = await this.moderate(tx, roomId, actorId, userId);
      const ban: BanEntity = {
        roomId,
        userId,
        bannedBy: actorId,
        reason: reason ?? null,
        createdAt: new Date(),
      };
      await tx.insertBan(ban);
      await tx.deleteInvite(roomId, userId);
      if (target) await this.rooms.removeMemberIn(tx, room, userId, 'banned', actorId, reason);
      const auditId = await this.audit.record(tx.manager, tx.outbox, {
        roomId,
        actorId,
        action: 'member.ban',
        targetUserId: userId,
        details: reason ? { reason } : undefined,
        announcement: withReason(`${actor.displayName} banned ${target?.displayName ?? 'a user'}`, reason),
      });
      return { ban, auditId };
    });
  }

  async unban(actorId: string, roomId: string, userId: string): Promise<string> {
    return this.rooms.change(async (tx) => {
      const room = await this.rooms.lockExisting(tx, roomId);
      const actor = await this.rooms.managerIn(tx, room, actorId);
      if (!(await tx.deleteBan(roomId, userId)))
        throw new AppException(ModerationErrorCode.NOT_BANNED, 'That user is not banned from this room');
      return this.audit.record(tx.manager, tx.outbox, {
        roomId,
        actorId,
        action: 'member.unban',
        targetUserId: userId,
        announcement: `${actor.displayName} lifted a ban`,
      });
    });
  }

  async listBans(actorId: string, roomId: string): Promise<BanEntity[]> {
    await this.rooms.requireManager(actorId, roomId);
    return this.roomsRepo.listBans(roomId);
  }

  async mute(
    actorId: string,
    roomId: string,
    userId: string,
    durationSeconds: number,
    reason?: string,
  ): Promise<{ mutedUntil: Date; auditId: string }> {
    return this.rooms.change(async (tx) => {
      const { actor, target } = await this.moderate(tx, roomId, actorId, userId);
      if (!target)
        throw new AppException(RoomErrorCode.TARGET_NOT_MEMBER, 'That user is not a member of this room');
      const at = new Date();
      const mutedUntil = new Date(at.getTime() + durationSeconds * 1000);
      await tx.updateMembership(roomId, userId, { mutedUntil });
      await this.rooms.announceIn(tx, roomId, actorId, {
        type: Events.ROOM_MEMBER_MUTED,
        ...eventMeta(at),
        roomId,
        userId,
        actorId,
        mutedUntil: mutedUntil.toISOString(),
      });
      const auditId = await this.audit.record(
        tx.manager,
        tx.outbox,
        {
          roomId,
          actorId,
          action: 'member.mute',
          targetUserId: userId,
          details: { durationSeconds, mutedUntil: mutedUntil.toISOString(), ...(reason ? { reason } : {}) },
          announcement: withReason(
            `${actor.displayName} muted ${target.displayName} for ${describeDuration(durationSeconds)}`,
            reason,
          ),
        },
        at,
      );
      return { mutedUntil, auditId };
    });
  }

  async unmute(actorId: string, roomId: string, userId: string): Promise<string> {
    return this.rooms.change(async (tx) => {
      const { actor, target } = await this.moderate(tx, roomId, actorId, userId);
      if (!target)
        throw new AppException(RoomErrorCode.TARGET_NOT_MEMBER, 'That user is not a member of this room');
      await tx.updateMembership(roomId, userId, { mutedUntil: null });
      await this.rooms.announceIn(tx, roomId, actorId, {
        type: Events.ROOM_MEMBER_MUTED,
        ...eventMeta(),
        roomId,
        userId,
        actorId,
        mutedUntil: null,
      });
      return this.audit.record(tx.manager, tx.outbox, {
        roomId,
        actorId,
        action: 'member.unmute',
        targetUserId: userId,
        announcement: `${actor.displayName} unmuted ${target.displayName}`,
      });
    });
  }

  /** Any member reports a message of the room; moderators review the queue. */
  /**
   * The message must be one the reporter can read (`history.message_not_found` otherwise, as for
   * an id from another room). Its sender and an excerpt are kept with the report: reviewers see
   * what was reported even after an edit or a delete, or from outside the room.
   */
  async report(actorId: string, roomId: string, messageId: string, reason: string): Promise<ReportEntity> {
    const reader = await this.rooms.requireReader(actorId, roomId);
    const message = await this.messages.readableMessage(roomId, messageId, visibleFrom(reader, reader.room));
    return this.repo.insertReport({
      id: uuidv7(),
      roomId,
      messageId,
      reporterId: actorId,
      reason: reason.normalize('NFC').trim(),
      messageSenderId: message.senderId,
      messageExcerpt: [...message.content].slice(0, REPORT_EXCERPT_MAX).join(''),
      status: 'open',
      resolution: null,
      note: null,
      resolvedBy: null,
      resolvedAt: null,
      createdAt: new Date(),
    });
  }

  async listReports(actorId: string, roomId: string, status?: ReportStatus): Promise<ReportEntity[]> {
    await this.rooms.requireManager(actorId, roomId);
    return this.repo.listReports(roomId, status);
  }

  /** Site admins (token role `admin`) review every room's reports, members or not. */
  async listAllReports(
    actorRole: UserRole | undefined,
    query: { status?: ReportStatus; cursor?: string; limit?: number },
  ): Promise<{ reports: Array<{ report: ReportEntity; roomName: string }>; nextCursor: string | null }> {
    if (actorRole !== 'admin')
      throw new AppException(RoomErrorCode.FORBIDDEN, 'Only site admins review every room’s reports');
    const limit = query.limit ?? 50;
    // One more than asked tells whether there is a next page.
    const rows = await this.repo.listAllReports(limit + 1, query.status, query.cursor);
    const reports = rows.slice(0, limit);
    return { reports, nextCursor: rows.length > limit ? reports[reports.length - 1].report.id : null };
  }

  /**
   * By the room's owner or admins, or a site admin for any room. Reviewed privately: written to
   * the audit log, not announced (reporters stay anonymous).
   */
  async resolveReport(
    actorId: string,
    roomId: string,
    reportId: string,
    resolution: ReportResolution,
    note?: string,
    actorRole?: UserRole,
  ): Promise<ReportEntity> {
    return this.rooms.change(async (tx) => {
      const room = await this.rooms.lockExisting(tx, roomId);
      if (actorRole !== 'admin') await this.rooms.managerIn(tx, room, actorId);
      const report = await this.repo.lockReport(tx.manager, roomId, reportId);
      if (!report)
        throw new AppException(ModerationErrorCode.REPORT_NOT_FOUND, 'No such report in this room');
      if (report.status === 'resolved')
        throw new AppException(ModerationErrorCode.REPORT_RESOLVED, 'This report was already resolved');
      const resolved: ReportEntity = {
        ...report,
        status: 'resolved',
        resolution,
        note: note?.normalize('NFC').trim() ?? null,
        resolvedBy: actorId,
        resolvedAt: new Date(),
      };
      await this.repo.saveReport(tx.manager, resolved);
      await this.audit.record(tx.manager, tx.outbox, {
        roomId,
        actorId,
        action: 'report.resolve',
        targetMessageId: report.messageId,
        details: { reportId, resolution },
      });
      return resolved;
    });
  }

  async listAudit(actorId: string, roomId: string, limit = 50, before?: string): Promise<AuditEntryEntity[]> {
    await this.rooms.requireManager(actorId, roomId);
    return this.auditLog.list(roomId, limit, before);
  }

  /**
   * The room locked, the actor an owner or admin of it, and the target (when a member) someone
   * the actor outranks. Nobody moderates themselves.
   */
  private async moderate(
    tx: RoomsTransaction,
    roomId: string,
    actorId: string,
    userId: string,
  ): Promise<{ room: RoomEntity; actor: MembershipEntity; target: MembershipEntity | null }> {
    const room = await this.rooms.lockExisting(tx, roomId);
    const actor = await this.rooms.managerIn(tx, room, actorId);
    if (userId === actorId) throw new AppException(RoomErrorCode.FORBIDDEN, 'You cannot moderate yourself');
    const target = await tx.findMembership(roomId, userId);
    if (target && !outranks(actor.role, target.role))
      throw new AppException(
        RoomErrorCode.FORBIDDEN,
        `You cannot moderate this member (their role: ${target.role})`,
      );
    return { room, actor, target };
  }
}

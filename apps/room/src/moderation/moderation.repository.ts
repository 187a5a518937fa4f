import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ReportStatus } from '@app/contracts';
import { RoomEntity } from '../rooms/entities/room.entity';
import { ReportEntity } from './entities/report.entity';

@Injectable()
export class ModerationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One report per reporter and message: a second one answers the first. */
  async insertReport(report: ReportEntity): Promise<ReportEntity> {
    await this.dataSource.manager
      .createQueryBuilder()
      .insert()
      .into(ReportEntity)
      .values(report)
      .orIgnore()
      .execute();
    return (
      (await this.dataSource.manager.findOneBy(ReportEntity, {
        roomId: report.roomId,
        messageId: report.messageId,
        reporterId: report.reporterId,
      })) ?? report
    );
  }

  listReports(roomId: string, status?: ReportStatus): Promise<ReportEntity[]> {
    return this.dataSource.manager.find(ReportEntity, {
      where: status ? { roomId, status } : { roomId },
      order: { id: 'DESC' },
      take: 200,
    });
  }

  /** Every room's reports, newest first (ids are time-ordered), older than `beforeId`. */
  async listAllReports(
    limit: number,
    status?: ReportStatus,
    beforeId?: string,
  ): Promise<Array<{ report: ReportEntity; roomName: string }>> {
    const q = this.dataSource.manager
      .createQueryBuilder(ReportEntity, 'r')
      .innerJoin(RoomEntity, 'room', 'room.id = r.room_id')
      .addSelect('room.name', 'room_name')
      .orderBy('r.id', 'DESC')
      .limit(limit);
    if (status) q.andWhere('r.status = :status', { status });
    if (beforeId) q.andWhere('r.id < :beforeId', { beforeId });
    const { entities, raw } = await q.getRawAndEntities<{ r_id: string; room_name: string }>();
    const names = new Map(raw.map((row) => [row.r_id, row.room_name]));
    return entities.map((report) => ({ report, roomName: names.get(report.id) ?? '' }));
  }

  lockReport(manager: EntityManager, roomId: string, reportId: string): Promise<ReportEntity | null> {
    return manager
      .createQueryBuilder(ReportEntity, 'r')
      .where('r.id = :reportId AND r.room_id = :roomId', { reportId, roomId })
      .setLock('pessimistic_write')
      .getOne();
  }

  async saveReport(manager: EntityManager, report: ReportEntity): Promise<void> {
    await manager.update(
      ReportEntity,
      { id: report.id },
      {
        status: report.status,
        resolution: report.resolution,
        note: report.note,
        resolvedBy: report.resolvedBy,
        resolvedAt: report.resolvedAt,
      },
    );
  }
}

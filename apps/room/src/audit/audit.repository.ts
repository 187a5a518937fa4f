import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, FindOptionsWhere, LessThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditEntryEntity } from './entities/audit-entry.entity';

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, entry: AuditEntryEntity): Promise<void> {
    // jsonb details are free-form; TypeORM's deep-partial type cannot express that.
    await manager.insert(AuditEntryEntity, entry as QueryDeepPartialEntity<AuditEntryEntity>);
  }

  /** Newest first; ids are UUIDv7, so id order is time order. */
  list(roomId: string, limit: number, before?: string): Promise<AuditEntryEntity[]> {
    const where: FindOptionsWhere<AuditEntryEntity> = before ? { roomId, id: LessThan(before) } : { roomId };
    return this.dataSource.manager.find(AuditEntryEntity, { where, order: { id: 'DESC' }, take: limit });
  }
}

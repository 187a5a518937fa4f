import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ModerationAction } from '@app/contracts';

@Entity({ name: 'audit_log' })
export class AuditEntryEntity {
  @PrimaryColumn('uuid') id: string;

  @Column('uuid', { name: 'room_id' }) roomId: string;

  @Column('uuid', { name: 'actor_id' }) actorId: string;

  @Column('text') action: ModerationAction;

  @Column('uuid', { name: 'target_user_id', nullable: true }) targetUserId: string | null;

  @Column('uuid', { name: 'target_message_id', nullable: true }) targetMessageId: string | null;

  @Column('jsonb', { nullable: true }) details: Record<string, unknown> | null;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

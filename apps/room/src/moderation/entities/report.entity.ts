import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ReportResolution, ReportStatus } from '@app/contracts';

@Entity({ name: 'reports' })
export class ReportEntity {
  @PrimaryColumn('uuid') id: string;

  @Column('uuid', { name: 'room_id' }) roomId: string;

  @Column('uuid', { name: 'message_id' }) messageId: string;

  @Column('uuid', { name: 'reporter_id' }) reporterId: string;

  @Column('text') reason: string;

  /** What was reported, as it was when reported (null for reports older than this record). */
  @Column('uuid', { name: 'message_sender_id', nullable: true }) messageSenderId: string | null;

  @Column('text', { name: 'message_excerpt', nullable: true }) messageExcerpt: string | null;

  @Column('text') status: ReportStatus;

  @Column('text', { nullable: true }) resolution: ReportResolution | null;

  @Column('text', { nullable: true }) note: string | null;

  @Column('uuid', { name: 'resolved_by', nullable: true }) resolvedBy: string | null;

  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt: Date | null;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TopicProposalStatus } from '@app/contracts';

@Entity({ name: 'topic_proposals' })
export class TopicProposalEntity {
  @PrimaryColumn('uuid') id: string;

  @Column('text') name: string;

  @Column('text', { nullable: true }) description: string | null;

  @Column('uuid', { name: 'proposer_id' }) proposerId: string;

  @Column('text', { name: 'proposer_name' }) proposerName: string;

  @Column('text') status: TopicProposalStatus;

  @Column('text', { nullable: true }) reason: string | null;

  @Column('uuid', { name: 'decided_by', nullable: true }) decidedBy: string | null;

  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt: Date | null;

  @Column('uuid', { name: 'room_id', nullable: true }) roomId: string | null;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

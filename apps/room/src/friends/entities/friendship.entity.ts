import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per pair (lower id first): a pending request or an accepted friendship. */
@Entity({ name: 'friendships' })
export class FriendshipEntity {
  @PrimaryColumn('uuid', { name: 'user_low' }) userLow: string;

  @PrimaryColumn('uuid', { name: 'user_high' }) userHigh: string;

  @Column('text') status: 'pending' | 'accepted';

  @Column('uuid', { name: 'requested_by' }) requestedBy: string;

  /** Each side's display name as of their last action on the friendship. */
  @Column('text', { name: 'low_name' }) lowName: string;

  @Column('text', { name: 'high_name' }) highName: string;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;

  @Column('timestamptz', { name: 'accepted_at', nullable: true }) acceptedAt: Date | null;
}

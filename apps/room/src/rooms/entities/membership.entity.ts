import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { MemberRole } from '@app/contracts';
import { RoomEntity } from './room.entity';

@Entity({ name: 'memberships' })
export class MembershipEntity {
  @PrimaryColumn('uuid', { name: 'room_id' }) roomId: string;

  @PrimaryColumn('uuid', { name: 'user_id' }) userId: string;

  @Column('text') role: MemberRole;

  /** The member's name as it was when they joined (or their alias in the room); shown in the member list. */
  @Column('text', { name: 'display_name' }) displayName: string;

  @Column('timestamptz', { name: 'joined_at' }) joinedAt: Date;

  @Column('timestamptz', { name: 'muted_until', nullable: true }) mutedUntil?: Date | null;

  /** When the member last passed the posting check; slow mode counts from it. */
  @Column('timestamptz', { name: 'last_posted_at', nullable: true }) lastPostedAt?: Date | null;

  /** The display name is an alias chosen for this room. */
  @Column('boolean', { default: false }) anonymous?: boolean;

  /** An integration (bot) added by the room's owner or an admin. */
  @Column('boolean', { default: false }) bot?: boolean;

  /** Loaded only when a query asks for it (the member's room list). */
  @ManyToOne(() => RoomEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id' })
  room?: RoomEntity;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { HistoryVisibility, RoomKind } from '@app/contracts';

@Entity({ name: 'rooms' })
export class RoomEntity {
  @PrimaryColumn('uuid') id: string;

  @Column('text') kind: RoomKind;

  @Column('text') name: string;

  @Column('uuid', { name: 'owner_id' }) ownerId: string;

  /** Kept in step with `memberships` inside the join transaction; the cap is checked against it. */
  @Column('int', { name: 'member_count' }) memberCount: number;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;

  @Column('int', { name: 'slow_mode_seconds', default: 0 }) slowModeSeconds: number;

  @Column('boolean', { name: 'profanity_filter', default: false }) profanityFilter: boolean;

  /** `joined`: members read only what was said since their latest join (see visibleFrom). */
  @Column('text', { name: 'history_visibility', default: 'shared' }) historyVisibility: HistoryVisibility;

  /** The room's own cap (topic rooms); null: the deployment's ROOM_MEMBER_CAP. */
  @Column('int', { name: 'member_cap', nullable: true }) memberCap: number | null;

  @Column('text', { nullable: true }) description: string | null;

  @Column('timestamptz', { name: 'last_activity_at', nullable: true }) lastActivityAt: Date | null;

  /** Set while the room has an image; its time versions the image URL. */
  @Column('timestamptz', { name: 'image_updated_at', nullable: true }) imageUpdatedAt: Date | null;

  /** Direct rooms: `<lower user id>:<higher user id>`, unique, so a pair has one room. */
  @Column('text', { name: 'direct_key', nullable: true }) directKey: string | null;
}

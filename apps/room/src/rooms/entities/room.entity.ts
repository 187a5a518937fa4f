import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RoomKind } from '@app/contracts';

@Entity({ name: 'rooms' })
export class RoomEntity {
  @PrimaryColumn('uuid') id: string;

  @Column('text') kind: RoomKind;

  @Column('text') name: string;

  @Column('uuid', { name: 'owner_id' }) ownerId: string;

  /** Kept in step with `memberships` inside the join transaction; the cap is checked against it. */
  @Column('int', { name: 'member_count' }) memberCount: number;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

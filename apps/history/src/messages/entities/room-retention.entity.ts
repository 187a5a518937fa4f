import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A room's retention override in days (0 = keep forever). Defined by the migration; this mirrors it. */
@Entity({ schema: 'history', name: 'room_retention' })
export class RoomRetentionEntity {
  @PrimaryColumn('uuid', { name: 'room_id' }) roomId: string;

  @Column('double precision') days: number;

  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

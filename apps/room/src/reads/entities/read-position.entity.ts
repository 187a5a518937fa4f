import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How far one member has read one room. Kept apart from memberships: it changes far more often. */
@Entity({ name: 'read_positions' })
export class ReadPositionEntity {
  @PrimaryColumn('uuid', { name: 'room_id' }) roomId: string;

  @PrimaryColumn('uuid', { name: 'user_id' }) userId: string;

  @Column('bigint', {
    name: 'last_read_seq',
    transformer: { to: (v: number) => v, from: (v: string) => Number(v) },
  })
  lastReadSeq: number;

  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

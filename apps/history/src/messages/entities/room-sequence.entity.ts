import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './message.entity';

/** The last seq handed out in a room. Its row lock is what serialises appends to one room. */
@Entity({ schema: 'history', name: 'room_sequences' })
export class RoomSequenceEntity {
  @PrimaryColumn('uuid', { name: 'room_id' }) roomId: string;

  @Column('bigint', { name: 'last_seq', transformer: bigintAsNumber }) lastSeq: number;
}

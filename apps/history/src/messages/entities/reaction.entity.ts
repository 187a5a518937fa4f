import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One person's use of one emoji on one message. Defined by the migration; this mirrors it. */
@Entity({ schema: 'history', name: 'reactions' })
export class ReactionEntity {
  @PrimaryColumn('uuid', { name: 'message_id' }) messageId: string;

  @PrimaryColumn('uuid', { name: 'user_id' }) userId: string;

  @PrimaryColumn('text') emoji: string;

  @Column('uuid', { name: 'room_id' }) roomId: string;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

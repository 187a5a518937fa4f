import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A pending invitation: the user may join the room; joining consumes it, declining deletes it. */
@Entity({ name: 'invites' })
export class InviteEntity {
  @PrimaryColumn('uuid', { name: 'room_id' }) roomId: string;

  @PrimaryColumn('uuid', { name: 'user_id' }) userId: string;

  @Column('uuid', { name: 'invited_by' }) invitedBy: string;

  @Column('text', { name: 'invited_by_name' }) invitedByName: string;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

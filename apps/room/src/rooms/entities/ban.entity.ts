import { Column, Entity, PrimaryColumn } from 'typeorm';

/** While this row exists the user cannot be (or become) a member of the room. */
@Entity({ name: 'bans' })
export class BanEntity {
  @PrimaryColumn('uuid', { name: 'room_id' }) roomId: string;

  @PrimaryColumn('uuid', { name: 'user_id' }) userId: string;

  @Column('uuid', { name: 'banned_by' }) bannedBy: string;

  @Column('text', { nullable: true }) reason: string | null;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'invite_links' })
export class InviteLinkEntity {
  @PrimaryColumn('uuid') id: string;

  @Column('uuid', { name: 'room_id' }) roomId: string;

  /** SHA-256 of the token, hex: the token itself is shown once and never stored. */
  @Column('text', { name: 'token_hash' }) tokenHash: string;

  @Column('uuid', { name: 'created_by' }) createdBy: string;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;

  @Column('int', { name: 'max_uses', nullable: true }) maxUses: number | null;

  @Column('int', { default: 0 }) uses: number;

  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
}

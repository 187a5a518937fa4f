import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SessionRevocationReason } from '@app/contracts';
import { AUTH_SCHEMA } from '../../auth.schema';

/**
 * One per login (device). Access tokens carry its id (`sid`), so a session can be revoked alone;
 * its refresh tokens form one rotation family.
 */
@Entity({ schema: AUTH_SCHEMA, name: 'sessions' })
export class SessionEntity {
  @PrimaryColumn('uuid') id: string;

  @Index('sessions_user_id_idx')
  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('text', { name: 'user_agent', nullable: true }) userAgent: string | null;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;

  @Column('timestamptz', { name: 'last_seen_at' }) lastSeenAt: Date;

  /** When its newest refresh token expires: an idle session ends then. */
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;

  @Column('text', { name: 'revoked_reason', nullable: true }) revokedReason: SessionRevocationReason | null;
}

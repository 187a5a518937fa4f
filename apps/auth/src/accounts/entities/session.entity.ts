import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { AUTH_SCHEMA } from '../../auth.schema';

/** One per login (device). Access tokens carry its id (`sid`), so a session can be revoked alone. */
@Entity({ schema: AUTH_SCHEMA, name: 'sessions' })
export class SessionEntity {
  @PrimaryColumn('uuid') id: string;

  @Index('sessions_user_id_idx')
  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('text', { name: 'user_agent', nullable: true }) userAgent: string | null;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;

  @Column('timestamptz', { name: 'last_seen_at' }) lastSeenAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
}

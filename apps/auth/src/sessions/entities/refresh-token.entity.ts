import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AUTH_SCHEMA } from '../../auth.schema';

/**
 * Only the SHA-256 of a refresh token is stored. A rotated token keeps its row (with
 * `rotatedAt`) until it expires, so presenting it again is recognised as reuse.
 */
@Entity({ schema: AUTH_SCHEMA, name: 'refresh_tokens' })
export class RefreshTokenEntity {
  @PrimaryColumn('bytea', { name: 'token_hash' }) tokenHash: Buffer;

  @Column('uuid', { name: 'session_id' }) sessionId: string;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;

  @Column('timestamptz', { name: 'rotated_at', nullable: true }) rotatedAt: Date | null;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { UserRole } from '@app/contracts';
import { AUTH_SCHEMA } from '../../auth.schema';

@Entity({ schema: AUTH_SCHEMA, name: 'users' })
export class UserEntity {
  @PrimaryColumn('uuid') id: string;

  /** As the person entered it (NFC, trimmed): what others see. */
  @Column('text') username: string;

  /** NFKC + lowercase: the unique identity, so look-alike names collide. */
  @Column('text', { name: 'username_key' }) usernameKey: string;

  @Column('text', { name: 'display_name' }) displayName: string;

  /** The display name folded like a username key: what people search by. */
  @Column('text', { name: 'display_name_key' }) displayNameKey: string;

  @Column('text', { name: 'status_text' }) statusText: string;

  /** argon2id; for a guest, a marker no password verifies against. */
  @Column('text', { name: 'password_hash' }) passwordHash: string;

  @Column('text') role: UserRole;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;

  @Column('timestamptz', { name: 'deactivated_at', nullable: true }) deactivatedAt: Date | null;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AvatarContentType } from '@app/contracts';
import { AUTH_SCHEMA } from '../../auth.schema';

/** Kept apart from users so reading a user never drags image bytes along. */
@Entity({ schema: AUTH_SCHEMA, name: 'avatars' })
export class AvatarEntity {
  @PrimaryColumn('uuid', { name: 'user_id' }) userId: string;

  /** Decided from the bytes (magic numbers), never taken from the uploader's word alone. */
  @Column('text', { name: 'content_type' }) contentType: AvatarContentType;

  @Column('bytea') data: Buffer;

  @Column('text') etag: string;

  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { UserRole } from '@app/contracts';
import { UserEntity } from '../accounts/entities/user.entity';
import { AvatarEntity } from './entities/avatar.entity';

export interface ProfileRow {
  id: string;
  username: string;
  displayName: string;
  statusText: string;
  role: UserRole;
  deactivated: boolean;
  hasAvatar: boolean;
}

export type ProfileChanges = Partial<Pick<UserEntity, 'displayName' | 'displayNameKey' | 'statusText'>>;

const PROFILE_COLUMNS = `u."id", u."username", u."display_name", u."status_text", u."role",
  u."deactivated_at" IS NOT NULL AS "deactivated",
  EXISTS (SELECT 1 FROM "auth"."avatars" a WHERE a."user_id" = u."id") AS "has_avatar"`;

interface RawProfile {
  id: string;
  username: string;
  display_name: string;
  status_text: string;
  role: UserRole;
  deactivated: boolean;
  has_avatar: boolean;
}

const toRow = (r: RawProfile): ProfileRow => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  statusText: r.status_text,
  role: r.role,
  deactivated: r.deactivated,
  hasAvatar: r.has_avatar,
});

/** `\`, `%` and `_` are literal in a search (and `_` is common in usernames). */
export function likePrefix(s: string): string {
  return `${s.replace(/[\\%_]/g, '\\$&')}%`;
}

@Injectable()
export class ProfilesRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(AvatarEntity) private readonly avatars: Repository<AvatarEntity>,
  ) {}

  async find(userId: string): Promise<ProfileRow | null> {
    const rows = (await this.users.query(
      `SELECT ${PROFILE_COLUMNS} FROM "auth"."users" u WHERE u."id" = $1`,
      [userId],
    )) as RawProfile[];
    return rows[0] ? toRow(rows[0]) : null;
  }

  async update(userId: string, changes: ProfileChanges): Promise<void> {
    await this.users.update({ id: userId }, changes);
  }

  async setAvatar(avatar: AvatarEntity): Promise<void> {
    await this.avatars.upsert(avatar, ['userId']);
  }

  async deleteAvatar(userId: string): Promise<void> {
    await this.avatars.delete({ userId });
  }

  /** The avatar of an active user; its bytes only when the caller's copy (ETag) is stale. */
  async findAvatar(
    userId: string,
    skipDataForEtag: (etag: string) => boolean,
  ): Promise<(Pick<AvatarEntity, 'contentType' | 'etag'> & { data: Buffer | null }) | null> {
    const head = (await this.avatars.query(
      `SELECT a."content_type", a."etag" FROM "auth"."avatars" a
         JOIN "auth"."users" u ON u."id" = a."user_id"
        WHERE a."user_id" = $1 AND u."deactivated_at" IS NULL`,
      [userId],
    )) as Array<{ content_type: AvatarEntity['contentType']; etag: string }>;
    if (!head[0]) return null;
    const { content_type: contentType, etag } = head[0];
    if (skipDataForEtag(etag)) return { contentType, etag, data: null };
    const full = await this.avatars.findOne({ where: { userId } });
    // Replaced between the two reads: answer with what is there now.
    return full ? { contentType: full.contentType, etag: full.etag, data: full.data } : null;
  }

  /**
   * People by username or display-name prefix (keys folded like usernames), excluding guests, bots and
   * deactivated accounts. The predicate repeats the partial indexes' condition so they serve it.
   */
  async search(prefixKey: string, limit: number): Promise<ProfileRow[]> {
    const rows = (await this.users.query(
      `SELECT ${PROFILE_COLUMNS} FROM "auth"."users" u
        WHERE u."role" <> 'guest' AND u."role" <> 'bot' AND u."deactivated_at" IS NULL
          AND (u."username_key" LIKE $1 OR u."display_name_key" LIKE $1)
        ORDER BY (u."username_key" = $2) DESC, u."username_key"
        LIMIT $3`,
      [likePrefix(prefixKey), prefixKey, limit],
    )) as RawProfile[];
    return rows.map(toRow);
  }

  /** Those of the given users who have an avatar. */
  async withAvatar(userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = (await this.avatars.query(
      `SELECT a."user_id" FROM "auth"."avatars" a WHERE a."user_id" = ANY($1::uuid[])`,
      [userIds],
    )) as Array<{ user_id: string }>;
    return rows.map((r) => r.user_id);
  }
}

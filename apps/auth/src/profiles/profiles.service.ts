import { Injectable } from '@nestjs/common';
import {
  AuthErrorCode,
  AuthLimits,
  AvatarContentType,
  AvatarView,
  CommonErrorCode,
  ProfileView,
} from '@app/contracts';
import { AppException } from '@app/common';
import { AuthConfig } from '../auth.config';
import { checkDisplayName, checkStatusText, searchKey } from '../accounts/username';
import { avatarEtag, etagMatches, sniffImageType } from './image-type';
import { toProfileView } from './profiles.mapper';
import { ProfileChanges, ProfileRow, ProfilesRepository } from './profiles.repository';

@Injectable()
export class ProfilesService {
  constructor(
    private readonly repository: ProfilesRepository,
    private readonly config: AuthConfig,
  ) {}

  /** Anyone's public profile; a deactivated account is not shown. */
  async get(userId: string): Promise<ProfileView> {
    return toProfileView(await this.active(userId));
  }

  async update(actorId: string, input: { displayName?: string; statusText?: string }): Promise<ProfileView> {
    await this.active(actorId);
    const changes: ProfileChanges = {};
    if (input.displayName !== undefined) {
      const name = checkDisplayName(input.displayName, '');
      if (!name.ok) throw invalid('displayName', name.reason);
      changes.displayName = name.value;
      changes.displayNameKey = searchKey(name.value);
    }
    if (input.statusText !== undefined) {
      const status = checkStatusText(input.statusText);
      if (!status.ok) throw invalid('statusText', status.reason);
      changes.statusText = status.value;
    }
    if (Object.keys(changes).length === 0) {
      throw new AppException(
        CommonErrorCode.VALIDATION_FAILED,
        'Nothing to change: send displayName or statusText',
        [{ reason: 'send displayName or statusText' }],
      );
    }
    await this.repository.update(actorId, changes);
    return this.get(actorId);
  }

  async setAvatar(actorId: string, declared: AvatarContentType, base64: string): Promise<ProfileView> {
    const user = await this.active(actorId);
    if (user.role === 'guest') throw new AppException(AuthErrorCode.FORBIDDEN, 'Guests cannot set an avatar');
    const data = Buffer.from(base64, 'base64');
    if (data.length > this.config.AVATAR_MAX_BYTES) {
      throw new AppException(
        CommonErrorCode.PAYLOAD_TOO_LARGE,
        `An avatar may be at most ${this.config.AVATAR_MAX_BYTES} bytes`,
      );
    }
    const actual = sniffImageType(data);
    if (!actual) {
      throw new AppException(AuthErrorCode.INVALID_IMAGE, 'This is not a PNG, JPEG or WebP image');
    }
    if (actual !== declared) {
      throw new AppException(
        AuthErrorCode.INVALID_IMAGE,
        `Sent as ${declared}, but the content is ${actual}`,
      );
    }
    await this.repository.setAvatar({
      userId: actorId,
      contentType: actual,
      data,
      etag: avatarEtag(data),
      updatedAt: new Date(),
    });
    return this.get(actorId);
  }

  async deleteAvatar(actorId: string): Promise<ProfileView> {
    await this.active(actorId);
    await this.repository.deleteAvatar(actorId);
    return this.get(actorId);
  }

  async getAvatar(userId: string, ifNoneMatch?: string): Promise<AvatarView> {
    const avatar = await this.repository.findAvatar(userId, (etag) => etagMatches(ifNoneMatch, etag));
    if (!avatar) throw new AppException(CommonErrorCode.NOT_FOUND, 'This user has no avatar');
    return avatar.data
      ? {
          contentType: avatar.contentType,
          etag: avatar.etag,
          notModified: false,
          data: avatar.data.toString('base64'),
        }
      : { contentType: avatar.contentType, etag: avatar.etag, notModified: true };
  }

  async search(query: string, limit: number = AuthLimits.SEARCH_LIMIT_DEFAULT): Promise<ProfileView[]> {
    const key = searchKey(query);
    if (key.length === 0) throw invalid('query', 'query must not be blank');
    const rows = await this.repository.search(key, Math.min(limit, AuthLimits.SEARCH_LIMIT_MAX));
    return rows.map(toProfileView);
  }

  withAvatar(userIds: string[]): Promise<string[]> {
    return this.repository.withAvatar([...new Set(userIds)]);
  }

  private async active(userId: string): Promise<ProfileRow> {
    const row = await this.repository.find(userId);
    if (!row || row.deactivated) throw new AppException(AuthErrorCode.USER_NOT_FOUND, 'No such user');
    return row;
  }
}

function invalid(field: string, reason: string): AppException {
  return new AppException(CommonErrorCode.VALIDATION_FAILED, reason, [{ field, reason }]);
}

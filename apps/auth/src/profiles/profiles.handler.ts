import { Injectable } from '@nestjs/common';
import {
  AvatarDeleteCommand,
  AvatarGetCommand,
  AvatarSetCommand,
  AvatarView,
  Commands,
  ProfileUpdateCommand,
  ProfileView,
  UserGetCommand,
  UsersAvatarsCommand,
  UsersSearchCommand,
  UserSearchView,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { ProfilesService } from './profiles.service';

@Injectable()
export class ProfilesHandler {
  constructor(private readonly profiles: ProfilesService) {}

  @CommandHandler(Commands.AUTH_USER_GET)
  get(command: UserGetCommand): Promise<ProfileView> {
    return this.profiles.get(command.userId);
  }

  @CommandHandler(Commands.AUTH_PROFILE_UPDATE)
  update(command: ProfileUpdateCommand): Promise<ProfileView> {
    return this.profiles.update(command.actorId, command);
  }

  @CommandHandler(Commands.AUTH_AVATAR_SET)
  setAvatar(command: AvatarSetCommand): Promise<ProfileView> {
    return this.profiles.setAvatar(command.actorId, command.contentType, command.data);
  }

  @CommandHandler(Commands.AUTH_AVATAR_DELETE)
  deleteAvatar(command: AvatarDeleteCommand): Promise<ProfileView> {
    return this.profiles.deleteAvatar(command.actorId);
  }

  @CommandHandler(Commands.AUTH_AVATAR_GET)
  getAvatar(command: AvatarGetCommand): Promise<AvatarView> {
    return this.profiles.getAvatar(command.userId, command.ifNoneMatch);
  }

  @CommandHandler(Commands.AUTH_USERS_AVATARS)
  async avatars(command: UsersAvatarsCommand): Promise<{ withAvatar: string[] }> {
    return { withAvatar: await this.profiles.withAvatar(command.userIds) };
  }

  @CommandHandler(Commands.AUTH_USERS_SEARCH)
  async search(command: UsersSearchCommand): Promise<UserSearchView> {
    return { users: await this.profiles.search(command.query, command.limit) };
  }
}

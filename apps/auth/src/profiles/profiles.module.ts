import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../accounts/entities/user.entity';
import { AvatarEntity } from './entities/avatar.entity';
import { ProfilesHandler } from './profiles.handler';
import { ProfilesRepository } from './profiles.repository';
import { ProfilesService } from './profiles.service';

export const PROFILES_ENTITIES = [AvatarEntity];

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, ...PROFILES_ENTITIES])],
  providers: [ProfilesRepository, ProfilesService, ProfilesHandler],
})
export class ProfilesModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsHandler } from './accounts.handler';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { SessionEntity } from './entities/session.entity';
import { UserEntity } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';

export const ACCOUNTS_ENTITIES = [UserEntity, SessionEntity];

@Module({
  imports: [TypeOrmModule.forFeature(ACCOUNTS_ENTITIES)],
  providers: [AccountsRepository, AccountsService, AccountsHandler, PasswordHasher],
})
export class AccountsModule {}

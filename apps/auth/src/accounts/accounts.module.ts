import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionsModule } from '../sessions/sessions.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { AccountsHandler } from './accounts.handler';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { AdminBootstrap } from './admin-bootstrap';
import { UserEntity } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';

export const ACCOUNTS_ENTITIES = [UserEntity];

@Module({
  imports: [TypeOrmModule.forFeature(ACCOUNTS_ENTITIES), SessionsModule, ThrottleModule],
  providers: [AccountsRepository, AccountsService, AccountsHandler, PasswordHasher, AdminBootstrap],
  exports: [AccountsRepository],
})
export class AccountsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../accounts/entities/user.entity';
import { SessionsModule } from '../sessions/sessions.module';
import { AdminHandler } from './admin.handler';
import { AdminRepository } from './admin.repository';
import { AdminService } from './admin.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), SessionsModule],
  providers: [AdminRepository, AdminService, AdminHandler],
})
export class AdminModule {}

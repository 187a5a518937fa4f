import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { OutboxModule } from '../outbox/outbox.module';
import { RoomsHandler } from './rooms.handler';
import { RoomsRepository } from './rooms.repository';
import { RoomsService } from './rooms.service';

@Module({
  imports: [OutboxModule, AuditModule],
  providers: [RoomsRepository, RoomsService, RoomsHandler],
  exports: [RoomsService, RoomsRepository, AuditModule],
})
export class RoomsModule {}

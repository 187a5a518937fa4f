import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { ReadsHandler } from './reads.handler';
import { ReadsRepository } from './reads.repository';
import { ReadsService } from './reads.service';

@Module({
  imports: [RoomsModule],
  providers: [ReadsRepository, ReadsService, ReadsHandler],
  exports: [ReadsService],
})
export class ReadsModule {}

import { Module } from '@nestjs/common';
import { RoomsHandler } from './rooms.handler';
import { RoomsRepository } from './rooms.repository';
import { RoomsService } from './rooms.service';

@Module({
  providers: [RoomsRepository, RoomsService, RoomsHandler],
  exports: [RoomsService],
})
export class RoomsModule {}

import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { TopicsHandler } from './topics.handler';
import { TopicsRepository } from './topics.repository';
import { TopicsService } from './topics.service';

@Module({
  imports: [RoomsModule],
  providers: [TopicsRepository, TopicsService, TopicsHandler],
})
export class TopicsModule {}

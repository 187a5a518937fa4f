import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { ModerationHandler } from './moderation.handler';
import { ModerationRepository } from './moderation.repository';
import { ModerationService } from './moderation.service';

@Module({
  imports: [RoomsModule],
  providers: [ModerationRepository, ModerationService, ModerationHandler],
})
export class ModerationModule {}

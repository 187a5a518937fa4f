import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { RoomsModule } from '../rooms/rooms.module';
import { ModerationHandler } from './moderation.handler';
import { ModerationRepository } from './moderation.repository';
import { ModerationService } from './moderation.service';

@Module({
  imports: [RoomsModule, MessagesModule],
  providers: [ModerationRepository, ModerationService, ModerationHandler],
})
export class ModerationModule {}

import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { PresenceHandler } from './presence.handler';
import { PresenceRepository } from './presence.repository';
import { PresenceService } from './presence.service';

@Module({
  imports: [RoomsModule],
  providers: [PresenceRepository, PresenceService, PresenceHandler],
})
export class PresenceModule {}

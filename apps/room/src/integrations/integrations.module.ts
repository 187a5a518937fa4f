import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { RoomsModule } from '../rooms/rooms.module';
import { IntegrationsHandler } from './integrations.handler';
import { IntegrationsService } from './integrations.service';

@Module({
  imports: [RoomsModule, MessagesModule],
  providers: [IntegrationsService, IntegrationsHandler],
})
export class IntegrationsModule {}

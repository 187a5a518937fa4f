import { Module } from '@nestjs/common';
import { AdminIntegrationsController, IntegrationsController } from './integrations.controller';
import { RoomIntegrationsService } from './room-integrations.service';

@Module({
  controllers: [AdminIntegrationsController, IntegrationsController],
  providers: [RoomIntegrationsService],
})
export class IntegrationsModule {}

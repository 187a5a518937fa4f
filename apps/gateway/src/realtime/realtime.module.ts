import { Module } from '@nestjs/common';
import { DeliveryService } from './delivery.service';
import { FrameDispatcher } from './frame-dispatcher';
import { LocalDirectory } from './local-directory';
import { RealtimeServer } from './realtime.server';

@Module({
  providers: [LocalDirectory, DeliveryService, FrameDispatcher, RealtimeServer],
})
export class RealtimeModule {}

import { Module } from '@nestjs/common';
import { DeliveryService } from './delivery.service';
import { FrameDispatcher } from './frame-dispatcher';
import { LocalDirectory } from './local-directory';
import { PresenceReporter } from './presence-reporter.service';
import { RealtimeServer } from './realtime.server';
import { ResyncService } from './resync.service';

@Module({
  providers: [
    LocalDirectory,
    DeliveryService,
    FrameDispatcher,
    ResyncService,
    PresenceReporter,
    RealtimeServer,
  ],
})
export class RealtimeModule {}

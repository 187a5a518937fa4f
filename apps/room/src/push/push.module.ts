import { Module } from '@nestjs/common';
import { PushHandler } from './push.handler';
import { PushRepository } from './push.repository';
import { PushService } from './push.service';

@Module({
  providers: [PushRepository, PushService, PushHandler],
  exports: [PushService],
})
export class PushModule {}

import { SendRateLimiter } from './send-rate';
import { TextPolicy } from './text-policy';
import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { PushModule } from '../push/push.module';
import { AttachmentsModule } from '../attachments/attachments.module';
import { ReadsModule } from '../reads/reads.module';
import { MessagesHandler } from './messages.handler';
import { MessagesService } from './messages.service';

@Module({
  imports: [RoomsModule, PushModule, AttachmentsModule, ReadsModule],
  providers: [MessagesService, MessagesHandler, TextPolicy, SendRateLimiter],
  exports: [MessagesService],
})
export class MessagesModule {}

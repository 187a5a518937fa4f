import { SendRateLimiter } from './send-rate';
import { TextPolicy } from './text-policy';
import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { MessagesHandler } from './messages.handler';
import { MessagesService } from './messages.service';

@Module({
  imports: [RoomsModule],
  providers: [MessagesService, MessagesHandler, TextPolicy, SendRateLimiter],
})
export class MessagesModule {}

import { Module } from '@nestjs/common';
import { MessagesController, RoomLogController } from './messages.controller';
import { RoomSummaryController } from './summary.controller';
import { AttachmentsController } from './attachments.controller';

@Module({
  controllers: [MessagesController, RoomLogController, RoomSummaryController, AttachmentsController],
})
export class MessagesModule {}

import { Module } from '@nestjs/common';
import { MessagesController, RoomLogController } from './messages.controller';
import { RoomSummaryController } from './summary.controller';

@Module({ controllers: [MessagesController, RoomLogController, RoomSummaryController] })
export class MessagesModule {}

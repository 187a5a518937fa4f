import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { AttachmentReadsService } from './attachment-reads.service';
import { AttachmentsHandler } from './attachments.handler';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';

@Module({
  imports: [RoomsModule],
  providers: [AttachmentsRepository, AttachmentsService, AttachmentReadsService, AttachmentsHandler],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}

import { Injectable } from '@nestjs/common';
import {
  AttachmentContentView,
  Commands,
  GetAttachmentCommand,
  UploadAttachmentCommand,
  UploadedAttachmentView,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { AttachmentReadsService } from './attachment-reads.service';
import { AttachmentsService } from './attachments.service';

@Injectable()
export class AttachmentsHandler {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly reads: AttachmentReadsService,
  ) {}

  @CommandHandler(Commands.ATTACHMENT_UPLOAD)
  upload(cmd: UploadAttachmentCommand): Promise<UploadedAttachmentView> {
    return this.attachments.upload(cmd);
  }

  @CommandHandler(Commands.ATTACHMENT_GET)
  get(cmd: GetAttachmentCommand): Promise<AttachmentContentView> {
    return this.reads.get(cmd.actorId, cmd.attachmentId, cmd.ifNoneMatch);
  }
}

import { Injectable } from '@nestjs/common';
import { AttachmentContentView } from '@app/contracts';
import { AppException } from '@app/common';
import { visibleFrom } from '../messages/messages.service';
import { RoomsService } from '../rooms/rooms.service';
import { attachmentNotFound, AttachmentsService } from './attachments.service';

/**
 * Who may download an image: a member of its room who may read the message carrying it (in a
 * room that hides history from before one joined, only images sent since), or its uploader
 * before it is sent. Everyone else is told it does not exist, whether it does or not.
 */
@Injectable()
export class AttachmentReadsService {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly rooms: RoomsService,
  ) {}

  async get(actorId: string, attachmentId: string, ifNoneMatch?: string): Promise<AttachmentContentView> {
    const meta = await this.attachments.find(attachmentId);
    if (!meta) throw attachmentNotFound();
    const reader = await this.rooms.requireReader(actorId, meta.roomId).catch((err: unknown) => {
      if (err instanceof AppException) throw attachmentNotFound();
      throw err;
    });
    if (meta.claimedAt === null) {
      if (meta.uploaderId !== actorId) throw attachmentNotFound();
    } else {
      const since = visibleFrom(reader, reader.room);
      if (since && meta.claimedAt < since) throw attachmentNotFound();
    }
    // The bytes of an id never change, so the id is a strong validator.
    const etag = `"${meta.id}"`;
    const view: AttachmentContentView = {
      id: meta.id,
      name: meta.name,
      mimeType: meta.contentType,
      size: meta.size,
      etag,
    };
    if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) return { ...view, notModified: true };
    const data = await this.attachments.data(meta.id);
    if (!data) throw attachmentNotFound();
    return { ...view, data: data.toString('base64') };
  }
}

function etagMatches(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import {
  AttachmentLimits,
  AttachmentRecord,
  CommonErrorCode,
  RoomErrorCode,
  UploadedAttachmentView,
} from '@app/contracts';
import { AppException } from '@app/common';
import { RoomConfig } from '../room.config';
import { RoomsService } from '../rooms/rooms.service';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentEntity } from './entities/attachment.entity';
import { cleanFileName, EXTENSIONS, inspectImage } from './image-info';

export function attachmentNotFound(): AppException {
  return new AppException(RoomErrorCode.ATTACHMENT_NOT_FOUND, 'No such attachment');
}

export function toAttachmentRecord(a: AttachmentEntity): AttachmentRecord {
  const record: AttachmentRecord = { id: a.id, name: a.name, mimeType: a.contentType, size: a.size };
  if (a.width && a.height) Object.assign(record, { width: a.width, height: a.height });
  return record;
}

const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Images for messages: stored when uploaded (members only, checked by their bytes), claimed by
 * the one message that carries them when it is sent, deleted with that message, and pruned
 * when never sent.
 */
@Injectable()
export class AttachmentsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Attachments');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repo: AttachmentsRepository,
    private readonly rooms: RoomsService,
    private readonly config: RoomConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.pruneUnsent(), PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async upload(input: {
    actorId: string;
    roomId: string;
    name?: string;
    data: string;
  }): Promise<UploadedAttachmentView> {
    await this.rooms.requireMember(input.actorId, input.roomId);
    const bytes = Buffer.from(input.data, 'base64');
    if (bytes.length > this.config.ATTACHMENT_MAX_BYTES) {
      throw new AppException(
        CommonErrorCode.PAYLOAD_TOO_LARGE,
        `An image may be at most ${this.config.ATTACHMENT_MAX_BYTES} bytes`,
      );
    }
    const info = bytes.length > 0 ? inspectImage(bytes) : null;
    if (!info) {
      throw new AppException(
        RoomErrorCode.ATTACHMENT_TYPE_UNSUPPORTED,
        'Only PNG, JPEG, GIF and WebP images can be attached',
      );
    }
    const id = randomUUID();
    const stored = await this.repo.insert({
      id,
      roomId: input.roomId,
      uploaderId: input.actorId,
      name: cleanFileName(input.name, `image.${EXTENSIONS[info.mimeType]}`, AttachmentLimits.NAME_MAX),
      contentType: info.mimeType,
      size: bytes.length,
      width: info.width ?? null,
      height: info.height ?? null,
      data: bytes,
    });
    return {
      ...toAttachmentRecord(stored),
      roomId: stored.roomId,
      createdAt: stored.createdAt.toISOString(),
    };
  }

  /**
   * Take the images for the sender's message `clientMsgId`: all or nothing. Unknown, someone
   * else's or another room's → room.attachment_not_found; already in another message →
   * room.attachment_in_use. A retry of the same send takes them again.
   */
  async claim(
    roomId: string,
    senderId: string,
    clientMsgId: string,
    ids: string[],
  ): Promise<{ records: AttachmentRecord[]; newlyClaimed: string[] }> {
    const outcome = await this.repo.claim(roomId, senderId, clientMsgId, ids);
    if (outcome.ok) {
      return { records: outcome.attachments.map(toAttachmentRecord), newlyClaimed: outcome.newlyClaimed };
    }
    const detail = [{ field: 'attachmentIds', reason: `${outcome.id}: ${outcome.reason.replace('_', ' ')}` }];
    if (outcome.reason === 'in_use') {
      throw new AppException(
        RoomErrorCode.ATTACHMENT_IN_USE,
        'This image was already sent in another message',
        detail,
      );
    }
    throw new AppException(RoomErrorCode.ATTACHMENT_NOT_FOUND, 'No such image of yours in this room', detail);
  }

  /** Give back what a refused send claimed (only what it claimed itself, not a retry's earlier claim). */
  async release(senderId: string, clientMsgId: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.repo.release(senderId, clientMsgId, ids);
  }

  /** After a message became a tombstone: its images are not served any more. */
  async deleteForMessage(roomId: string, senderId: string, clientMsgId: string): Promise<void> {
    await this.repo.deleteClaimed(roomId, senderId, clientMsgId);
  }

  /** Metadata of an attachment (no bytes), or null. */
  find(id: string): Promise<AttachmentEntity | null> {
    return this.repo.findMeta(id);
  }

  data(id: string): Promise<Buffer | null> {
    return this.repo.findData(id);
  }

  async pruneUnsent(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.ATTACHMENT_UNSENT_TTL_HOURS * 3600_000);
    try {
      return await this.repo.deleteUnclaimedBefore(cutoff);
    } catch (err) {
      this.logger.warn(`pruning unsent attachments failed: ${(err as Error).message}`);
      return 0;
    }
  }
}

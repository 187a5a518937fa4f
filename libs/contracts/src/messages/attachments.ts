import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsWellFormedText } from '../validators';
import { IsId } from '../ids';
import type { AttachmentView } from '../views';
import { ATTACHMENT_CONTENT_TYPES, AttachmentContentType, AttachmentLimits } from './attachment-limits';

export * from './attachment-limits';

/** An attachment as a message record carries it (room → history on append). */
export class AttachmentRecord implements AttachmentView {
  @IsId() id: string;
  @IsString() @Length(1, AttachmentLimits.NAME_MAX) @IsWellFormedText() name: string;
  @IsIn(ATTACHMENT_CONTENT_TYPES) mimeType: AttachmentContentType;
  @IsInt() @Min(1) @Max(AttachmentLimits.WIRE_MAX_BYTES) size: number;
  @IsOptional() @IsInt() @Min(1) @Max(AttachmentLimits.DIMENSION_MAX) width?: number;
  @IsOptional() @IsInt() @Min(1) @Max(AttachmentLimits.DIMENSION_MAX) height?: number;
}

/** An uploaded attachment, not yet (or already) part of a message. */
export interface UploadedAttachmentView extends AttachmentView {
  roomId: string;
  createdAt: string;
}

/** The bytes of an attachment to serve (base64), or `notModified` when If-None-Match matched. */
export interface AttachmentContentView {
  id: string;
  name: string;
  mimeType: AttachmentContentType;
  size: number;
  etag: string;
  notModified?: boolean;
  data?: string;
}

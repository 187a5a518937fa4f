import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AttachmentContentType } from '@app/contracts';

/**
 * An uploaded image. `claimedBy` is the uploader's clientMsgId of the message that carries it:
 * set when that message is sent, so an attachment goes into one message only (a retry of the
 * same send finds its own claim).
 */
@Entity({ name: 'attachments' })
export class AttachmentEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'room_id' }) roomId: string;
  @Column('uuid', { name: 'uploader_id' }) uploaderId: string;
  @Column('text') name: string;
  @Column('text', { name: 'content_type' }) contentType: AttachmentContentType;
  @Column('integer') size: number;
  @Column('integer', { nullable: true }) width: number | null;
  @Column('integer', { nullable: true }) height: number | null;
  @Column('bytea', { select: false }) data: Buffer;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('text', { name: 'claimed_by', nullable: true }) claimedBy: string | null;
  @Column('timestamptz', { name: 'claimed_at', nullable: true }) claimedAt: Date | null;
}

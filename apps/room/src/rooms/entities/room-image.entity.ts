import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RoomImageView } from '@app/contracts';

@Entity({ name: 'room_images' })
export class RoomImageEntity {
  @PrimaryColumn('uuid', { name: 'room_id' }) roomId: string;

  @Column('text', { name: 'content_type' }) contentType: RoomImageView['contentType'];

  @Column('bytea') data: Buffer;

  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

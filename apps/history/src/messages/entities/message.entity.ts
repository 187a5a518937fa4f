import { Column, Entity, PrimaryColumn, Unique, ValueTransformer } from 'typeorm';
import type { MessageKind } from '@app/contracts';
import type { StoredAttachment } from '../store/history-store';

/** bigint arrives from pg as a string; seqs stay far below 2^53, so a number is exact. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** One row per message. Schema and indexes are defined by the migration; these mirror them. */
@Entity({ schema: 'history', name: 'messages' })
@Unique('messages_room_seq_key', ['roomId', 'seq'])
@Unique('messages_sender_client_msg_key', ['senderId', 'clientMsgId'])
export class MessageEntity {
  @PrimaryColumn('uuid') id: string;

  @Column('uuid', { name: 'room_id' }) roomId: string;

  @Column('bigint', { transformer: bigintAsNumber }) seq: number;

  @Column('uuid', { name: 'sender_id' }) senderId: string;

  @Column('text') kind: MessageKind;

  @Column('text') content: string;

  @Column('text', { name: 'client_msg_id' }) clientMsgId: string;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;

  @Column('jsonb', { default: () => "'[]'::jsonb" }) attachments: StoredAttachment[];

  @Column('timestamptz', { name: 'edited_at', nullable: true }) editedAt: Date | null;

  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt: Date | null;

  @Column('uuid', { name: 'reply_to_id', nullable: true }) replyToId: string | null;

  @Column('text', { array: true, default: () => "'{}'" }) effects: string[];
}

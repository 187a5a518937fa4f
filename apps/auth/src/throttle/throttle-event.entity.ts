import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AUTH_SCHEMA } from '../auth.schema';

/** One counted attempt (a failed login, a guest created) in a sliding window; old rows are pruned. */
@Entity({ schema: AUTH_SCHEMA, name: 'throttle_events' })
export class ThrottleEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' }) id: string;

  @Column('text') scope: string;

  @Column('text') key: string;

  @Column('timestamptz') at: Date;
}

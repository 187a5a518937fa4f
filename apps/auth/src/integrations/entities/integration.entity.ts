import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AUTH_SCHEMA } from '../../auth.schema';

@Entity({ schema: AUTH_SCHEMA, name: 'integrations' })
export class IntegrationEntity {
  /** Also the bot's user id: it is a member of rooms like anyone. */
  @PrimaryColumn('uuid') id: string;

  @Column('text') name: string;

  /** The name folded like a username: unique among live integrations. */
  @Column('text', { name: 'name_key' }) nameKey: string;

  @Column('text', { name: 'broker_username' }) brokerUsername: string;

  @Column('uuid', { name: 'created_by' }) createdBy: string;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;

  @Column('timestamptz', { name: 'credentials_issued_at' }) credentialsIssuedAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
}

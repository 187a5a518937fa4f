import { DynamicModule, Module } from '@nestjs/common';
import { Queues } from '@app/contracts';
import { DatabaseModule, ObservabilityModule } from '@app/common';
import { MessagingModule } from '@app/messaging';
import { MessagesModule } from './messages/messages.module';
import { ROOM_MIGRATIONS } from './migrations';
import { IntegrationsModule } from './integrations/integrations.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { AttachmentEntity } from './attachments/entities/attachment.entity';
import { AuditEntryEntity } from './audit/entities/audit-entry.entity';
import { BlockEntity } from './friends/entities/block.entity';
import { FriendshipEntity } from './friends/entities/friendship.entity';
import { FriendsModule } from './friends/friends.module';
import { ReportEntity } from './moderation/entities/report.entity';
import { ModerationModule } from './moderation/moderation.module';
import { BanEntity } from './rooms/entities/ban.entity';
import { InviteLinkEntity } from './rooms/entities/invite-link.entity';
import { InviteEntity } from './rooms/entities/invite.entity';
import { RoomImageEntity } from './rooms/entities/room-image.entity';
import { TopicProposalEntity } from './topics/entities/topic-proposal.entity';
import { TopicsModule } from './topics/topics.module';
import { PresenceModule } from './presence/presence.module';
import { ReadPositionEntity } from './reads/entities/read-position.entity';
import { ReadsModule } from './reads/reads.module';
import { RoomConfig } from './room.config';
import { MembershipEntity } from './rooms/entities/membership.entity';
import { RoomEntity } from './rooms/entities/room.entity';
import { RoomsModule } from './rooms/rooms.module';

const ROOMS_IN_FULL_ENTITIES = [
  RoomImageEntity,
  InviteEntity,
  InviteLinkEntity,
  BanEntity,
  ReportEntity,
  AuditEntryEntity,
  FriendshipEntity,
  BlockEntity,
  TopicProposalEntity,
  AttachmentEntity,
];

@Module({})
export class RoomAppModule {
  static register(config: RoomConfig): DynamicModule {
    return {
      module: RoomAppModule,
      // Global so every context can inject RoomConfig.
      global: true,
      imports: [
        ObservabilityModule,
        MessagingModule.forRoot({
          url: config.AMQP_URL,
          connectionName: 'room',
          commandQueue: Queues.ROOM_COMMANDS,
          prefetch: config.AMQP_PREFETCH,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          rpcBatchLingerMs: config.RPC_BATCH_LINGER_MS,
          shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
        }),
        DatabaseModule.forService({
          url: config.DATABASE_URL,
          schema: 'room',
          entities: [RoomEntity, MembershipEntity, ReadPositionEntity, ...ROOMS_IN_FULL_ENTITIES],
          migrations: ROOM_MIGRATIONS,
        }),
        RoomsModule,
        ModerationModule,
        IntegrationsModule,
        FriendsModule,
        TopicsModule,
        MessagesModule,
        AttachmentsModule,
        ReadsModule,
        PresenceModule,
      ],
      providers: [{ provide: RoomConfig, useValue: config }],
      exports: [RoomConfig],
    };
  }
}

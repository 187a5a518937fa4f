import { DynamicModule, Module } from '@nestjs/common';
import { Queues } from '@app/contracts';
import { DatabaseModule, ObservabilityModule } from '@app/common';
import { MessagingModule } from '@app/messaging';
import { MessagesModule } from './messages/messages.module';
import { Init1732380000000 } from './migrations/1732380000000-Init';
import { RoomConfig } from './room.config';
import { MembershipEntity } from './rooms/entities/membership.entity';
import { RoomEntity } from './rooms/entities/room.entity';
import { RoomsModule } from './rooms/rooms.module';

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
          shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
        }),
        DatabaseModule.forService({
          url: config.DATABASE_URL,
          schema: 'room',
          entities: [RoomEntity, MembershipEntity],
          migrations: [Init1732380000000],
        }),
        RoomsModule,
        MessagesModule,
      ],
      providers: [{ provide: RoomConfig, useValue: config }],
      exports: [RoomConfig],
    };
  }
}

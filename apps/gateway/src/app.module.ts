import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ObservabilityModule } from '@app/common';
import { MessagingModule } from '@app/messaging';
import { AccessTokenGuard } from './auth/access-token.guard';
import { GatewayAuthModule } from './auth/auth.module';
import { AdminModule } from './admin/admin.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { AppExceptionFilter } from './errors/app-exception.filter';
import { GatewayConfig } from './gateway.config';
import { MeModule } from './me/me.module';
import { ExportModule } from './export/export.module';
import { MessagesModule } from './messages/messages.module';
import { SearchModule } from './search/search.module';
import { PushModule } from './push/push.module';
import { PresenceController } from './presence/presence.controller';
import { ReadsController } from './reads/reads.controller';
import { RealtimeModule } from './realtime/realtime.module';
import { RoomsModule } from './rooms/rooms.module';
import { ModerationModule } from './moderation/moderation.module';
import { FriendsModule } from './friends/friends.module';
import { TopicsModule } from './topics/topics.module';
import { UsersModule } from './users/users.module';

@Module({})
export class GatewayAppModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayAppModule,
      global: true,
      imports: [
        ObservabilityModule,
        MessagingModule.forRoot({
          url: config.AMQP_URL,
          connectionName: `gateway-${config.GATEWAY_INSTANCE_ID || process.pid}`,
          prefetch: config.AMQP_PREFETCH,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          rpcBatchLingerMs: config.RPC_BATCH_LINGER_MS,
          shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
        }),
        RealtimeModule,
        GatewayAuthModule,
        MeModule,
        UsersModule,
        AdminModule,
        IntegrationsModule,
        RoomsModule,
        ModerationModule,
        FriendsModule,
        TopicsModule,
        MessagesModule,
        SearchModule,
        ExportModule,
        PushModule,
      ],
      controllers: [ReadsController, PresenceController],
      providers: [
        { provide: GatewayConfig, useValue: config },
        AccessTokenGuard,
        { provide: APP_FILTER, useClass: AppExceptionFilter },
      ],
      exports: [GatewayConfig],
    };
  }
}

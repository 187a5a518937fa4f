import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ObservabilityModule } from '@app/common';
import { MessagingModule } from '@app/messaging';
import { AccessTokenGuard } from './auth/access-token.guard';
import { AuthController } from './auth/auth.controller';
import { AppExceptionFilter } from './errors/app-exception.filter';
import { GatewayConfig } from './gateway.config';
import { MeController } from './me/me.controller';
import { MessagesController } from './messages/messages.controller';
import { RealtimeModule } from './realtime/realtime.module';
import { RoomsController } from './rooms/rooms.controller';

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
          shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
        }),
        RealtimeModule,
      ],
      controllers: [AuthController, MeController, RoomsController, MessagesController],
      providers: [
        { provide: GatewayConfig, useValue: config },
        AccessTokenGuard,
        { provide: APP_FILTER, useClass: AppExceptionFilter },
      ],
      exports: [GatewayConfig],
    };
  }
}

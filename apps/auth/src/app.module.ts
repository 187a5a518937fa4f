import { DynamicModule, Module } from '@nestjs/common';
import { Queues } from '@app/contracts';
import { DatabaseModule, ObservabilityModule } from '@app/common';
import { MessagingModule } from '@app/messaging';
import { ACCOUNTS_ENTITIES, AccountsModule } from './accounts/accounts.module';
import { AuthConfig } from './auth.config';
import { AUTH_SCHEMA } from './auth.schema';
import { AuthInit1732400000000 } from './migrations/1732400000000-AuthInit';

@Module({})
export class AuthAppModule {
  static register(config: AuthConfig): DynamicModule {
    return {
      module: AuthAppModule,
      global: true,
      imports: [
        ObservabilityModule,
        MessagingModule.forRoot({
          url: config.AMQP_URL,
          connectionName: 'auth',
          commandQueue: Queues.AUTH_COMMANDS,
          prefetch: config.AMQP_PREFETCH,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
        }),
        DatabaseModule.forService({
          url: config.DATABASE_URL,
          schema: AUTH_SCHEMA,
          entities: ACCOUNTS_ENTITIES,
          migrations: [AuthInit1732400000000],
        }),
        AccountsModule,
      ],
      // Global so every context module can inject the config.
      providers: [{ provide: AuthConfig, useValue: config }],
      exports: [AuthConfig],
    };
  }
}

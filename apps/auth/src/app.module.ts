import { DynamicModule, Module } from '@nestjs/common';
import { Queues } from '@app/contracts';
import { DatabaseModule, ObservabilityModule } from '@app/common';
import { MessagingModule } from '@app/messaging';
import { ACCOUNTS_ENTITIES, AccountsModule } from './accounts/accounts.module';
import { checkAdminConfig } from './accounts/admin-bootstrap';
import { AdminModule } from './admin/admin.module';
import { AuthConfig } from './auth.config';
import { AUTH_SCHEMA } from './auth.schema';
import { AuthInit1732400000000 } from './migrations/1732400000000-AuthInit';
import { AuthUsernameKeysNfkc1733100000000 } from './migrations/1733100000000-AuthUsernameKeysNfkc';
import { AuthSessionsProfiles1733100000001 } from './migrations/1733100000001-AuthSessionsProfiles';
import { AuthIntegrations1765000000000 } from './migrations/1765000000000-AuthIntegrations';
import { INTEGRATIONS_ENTITIES, IntegrationsModule } from './integrations/integrations.module';
import { PROFILES_ENTITIES, ProfilesModule } from './profiles/profiles.module';
import { SESSIONS_ENTITIES } from './sessions/sessions.module';
import { THROTTLE_ENTITIES } from './throttle/throttle.module';

/** The auth schema: its entities and migrations (also used by the integrations CLI). */
export const AUTH_DATABASE = {
  schema: AUTH_SCHEMA,
  entities: [
    ...ACCOUNTS_ENTITIES,
    ...SESSIONS_ENTITIES,
    ...PROFILES_ENTITIES,
    ...THROTTLE_ENTITIES,
    ...INTEGRATIONS_ENTITIES,
  ],
  migrations: [
    AuthInit1732400000000,
    AuthUsernameKeysNfkc1733100000000,
    AuthSessionsProfiles1733100000001,
    AuthIntegrations1765000000000,
  ],
};

@Module({})
export class AuthAppModule {
  static register(config: AuthConfig): DynamicModule {
    checkAdminConfig(config);
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
          rpcBatchLingerMs: config.RPC_BATCH_LINGER_MS,
          shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
        }),
        DatabaseModule.forService({ url: config.DATABASE_URL, ...AUTH_DATABASE }),
        AccountsModule,
        ProfilesModule,
        AdminModule,
        IntegrationsModule,
      ],
      // Global so every context module can inject the config.
      providers: [{ provide: AuthConfig, useValue: config }],
      exports: [AuthConfig],
    };
  }
}

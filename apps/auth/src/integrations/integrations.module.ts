import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../accounts/entities/user.entity';
import { AuthConfig } from '../auth.config';
import { BrokerAdmin } from './broker-admin';
import { IntegrationEntity } from './entities/integration.entity';
import { IntegrationsHandler } from './integrations.handler';
import { IntegrationsRepository } from './integrations.repository';
import { IntegrationsService } from './integrations.service';

export const INTEGRATIONS_ENTITIES = [IntegrationEntity];

/** The vhost an amqp:// URL names ('/' when it names none). */
export function vhostOf(amqpUrl: string): string {
  const path = decodeURIComponent(new URL(amqpUrl).pathname.replace(/^\//, ''));
  return path === '' ? '/' : path;
}

@Module({
  imports: [TypeOrmModule.forFeature([IntegrationEntity, UserEntity])],
  providers: [
    IntegrationsRepository,
    IntegrationsService,
    IntegrationsHandler,
    {
      provide: BrokerAdmin,
      inject: [AuthConfig],
      useFactory: (config: AuthConfig) =>
        new BrokerAdmin({
          managementUrl: config.RABBITMQ_MANAGEMENT_URL,
          vhost: vhostOf(config.AMQP_URL),
          timeoutMs: config.RPC_TIMEOUT_MS,
        }),
    },
  ],
  exports: [IntegrationsService],
})
export class IntegrationsModule {}

import { DynamicModule, Module } from '@nestjs/common';
import { Queues } from '@app/contracts';
import { ObservabilityModule } from '@app/common';
import { MessagingModule } from '@app/messaging';
import { HistoryConfig } from './history.config';
import { MessagesModule } from './messages/messages.module';

@Module({})
export class HistoryAppModule {
  static register(config: HistoryConfig): DynamicModule {
    return {
      module: HistoryAppModule,
      imports: [
        ObservabilityModule,
        MessagingModule.forRoot({
          url: config.AMQP_URL,
          connectionName: 'history',
          commandQueue: Queues.HISTORY_COMMANDS,
          prefetch: config.AMQP_PREFETCH,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          rpcBatchLingerMs: config.RPC_BATCH_LINGER_MS,
          shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
        }),
        // Chooses the store (PostgreSQL or MongoDB) and brings the database it needs.
        MessagesModule.register(config),
      ],
      providers: [{ provide: HistoryConfig, useValue: config }],
      exports: [HistoryConfig],
    };
  }
}

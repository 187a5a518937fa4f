import { DynamicModule, Module, Provider } from '@nestjs/common';
import { DatabaseModule } from '@app/common';
import { HistoryConfig } from '../history.config';
import { HistoryStoreHealth } from './history-store.health';
import { MessagesHandler } from './messages.handler';
import { MessagesService } from './messages.service';
import { RetentionScheduler } from './retention.scheduler';
import { SearchMergeScheduler } from './search-merge.scheduler';
import { HISTORY_STORE } from './store/history-store';
import { MongoHistoryStore } from './store/mongo-history.store';
import {
  HISTORY_ENTITIES,
  HISTORY_MIGRATIONS,
  HISTORY_SCHEMA,
  PostgresHistoryStore,
} from './store/postgres-history.store';

@Module({})
export class MessagesModule {
  /** MongoDB when MONGO_URL is set, and then no PostgreSQL connection at all; PostgreSQL otherwise. */
  static register(config: HistoryConfig): DynamicModule {
    const store: Provider = config.usesMongo
      ? {
          provide: HISTORY_STORE,
          useFactory: () => MongoHistoryStore.connect(config.MONGO_URL, config.MONGO_DB),
        }
      : { provide: HISTORY_STORE, useClass: PostgresHistoryStore };
    const database = config.usesMongo
      ? []
      : [
          DatabaseModule.forService({
            url: config.DATABASE_URL,
            schema: HISTORY_SCHEMA,
            entities: HISTORY_ENTITIES,
            migrations: HISTORY_MIGRATIONS,
          }),
        ];
    return {
      module: MessagesModule,
      imports: database,
      providers: [
        { provide: HistoryConfig, useValue: config },
        store,
        MessagesService,
        MessagesHandler,
        HistoryStoreHealth,
        RetentionScheduler,
        SearchMergeScheduler,
      ],
    };
  }
}

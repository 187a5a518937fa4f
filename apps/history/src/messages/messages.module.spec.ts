import { FactoryProvider } from '@nestjs/common';
import { DatabaseModule, loadConfig } from '@app/common';
import { HistoryConfig } from '../history.config';
import { MessagesModule } from './messages.module';
import { HISTORY_STORE } from './store/history-store';
import { PostgresHistoryStore } from './store/postgres-history.store';

describe('MessagesModule.register', () => {
  it('uses PostgreSQL (and brings its database module) when MONGO_URL is unset', () => {
    const mod = MessagesModule.register(loadConfig(HistoryConfig, {}));
    expect(mod.imports?.map((m) => (m as { module?: unknown }).module)).toEqual([DatabaseModule]);
    expect(mod.providers).toContainEqual({ provide: HISTORY_STORE, useClass: PostgresHistoryStore });
  });

  it('uses MongoDB and imports no PostgreSQL at all when MONGO_URL is set', () => {
    const mod = MessagesModule.register(
      loadConfig(HistoryConfig, { MONGO_URL: 'mongodb://db:27017/?replicaSet=rs0' }),
    );
    expect(mod.imports).toEqual([]);
    const store = mod.providers?.find(
      (p) => (p as FactoryProvider).provide === HISTORY_STORE,
    ) as FactoryProvider;
    expect(typeof store.useFactory).toBe('function');
  });
});

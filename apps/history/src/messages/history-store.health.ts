import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@app/common';
import { HISTORY_STORE, HistoryStore } from './store/history-store';

/** Ready only while the message store answers, whichever backend it is. */
@Injectable()
export class HistoryStoreHealth implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    @Inject(HISTORY_STORE) private readonly store: HistoryStore,
  ) {}

  onModuleInit(): void {
    this.registry.register('history-store', () => this.store.ping());
  }
}

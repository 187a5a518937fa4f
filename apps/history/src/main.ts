import 'reflect-metadata';
import { loadConfig, runService, startService } from '@app/common';
import { HistoryAppModule } from './app.module';
import { HistoryConfig } from './history.config';

runService(async () => {
  const config = loadConfig(HistoryConfig);
  await startService('history', HistoryAppModule.register(config), config);
}, 'history');

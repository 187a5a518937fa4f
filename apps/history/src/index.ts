import { INestApplication } from '@nestjs/common';
import { loadConfig, startService } from '@app/common';
import { HistoryAppModule } from './app.module';
import { HistoryConfig } from './history.config';

export { HistoryAppModule } from './app.module';
export { HistoryConfig } from './history.config';

/** Boot the history service in this process (the e2e harness runs every service side by side). */
export async function startHistoryService(env: NodeJS.ProcessEnv): Promise<INestApplication> {
  const config = loadConfig(HistoryConfig, env);
  return startService('history', HistoryAppModule.register(config), config, { handleSignals: false });
}

import 'reflect-metadata';
import { loadConfig, runService, startService } from '@app/common';
import { AuthAppModule } from './app.module';
import { AuthConfig } from './auth.config';

runService(async () => {
  const config = loadConfig(AuthConfig);
  await startService('auth', AuthAppModule.register(config), config);
}, 'auth');

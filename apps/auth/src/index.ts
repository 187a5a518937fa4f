import { INestApplication } from '@nestjs/common';
import { loadConfig, startService } from '@app/common';
import { AuthAppModule } from './app.module';
import { AuthConfig } from './auth.config';

export { AuthConfig } from './auth.config';
export { AuthAppModule } from './app.module';

/** For the e2e harness: boot in this process, leaving signals to the caller. */
export async function startAuthService(env: NodeJS.ProcessEnv): Promise<INestApplication> {
  const config = loadConfig(AuthConfig, env);
  return startService('auth', AuthAppModule.register(config), config, { handleSignals: false });
}

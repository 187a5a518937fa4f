import 'reflect-metadata';
import { loadConfig, runService, startService } from '@app/common';
import { GatewayAppModule } from './app.module';
import { GatewayConfig } from './gateway.config';
import { configureGateway } from './index';

runService(async () => {
  const config = loadConfig(GatewayConfig);
  await startService('gateway', GatewayAppModule.register(config), config, {
    configure: (app) => configureGateway(app, config),
  });
}, 'gateway');

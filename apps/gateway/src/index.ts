import { INestApplication, RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { API_PREFIX } from '@app/contracts';
import { loadConfig, startService, Metrics } from '@app/common';
import { GatewayAppModule } from './app.module';
import { refuseDeepJson } from './errors/json-depth';
import { strictValidationPipe } from './errors/validation.pipe';
import { GatewayConfig } from './gateway.config';
import { buildOpenApi } from './openapi';
import { requestContext } from './observability/request-context.middleware';
import { securityHeaders, serveWebClient } from './web/web-client';

/** `/api/v1` for the API; health and metrics stay at the root, where probes and scrapers look. */
export function applyApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
}

export function configureGateway(app: INestApplication, config: GatewayConfig): void {
  const http = app as NestExpressApplication;
  http.disable('x-powered-by');
  http.use(requestContext(http.get(Metrics)));
  http.use(securityHeaders);
  http.useBodyParser('json', { limit: config.HTTP_BODY_LIMIT, verify: refuseDeepJson });
  const origins = config.CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (origins.length > 0) http.enableCors({ origin: origins, credentials: false });
  applyApiPrefix(http);
  http.useGlobalPipes(strictValidationPipe);
  SwaggerModule.setup('api/docs', http, () => buildOpenApi(http), { jsonDocumentUrl: 'api/openapi.json' });
  serveWebClient(http, config.WEB_DIST_DIR);
}

export async function startGatewayService(env: NodeJS.ProcessEnv): Promise<INestApplication> {
  const config = loadConfig(GatewayConfig, env);
  return startService('gateway', GatewayAppModule.register(config), config, {
    handleSignals: false,
    configure: (app) => configureGateway(app, config),
  });
}

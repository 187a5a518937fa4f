import { DynamicModule, INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BaseConfig } from '../config/base.config';
import { JsonLogger } from '../logging/json-logger';

export interface StartOptions {
  /** Let the caller (a test) own process signals. */
  handleSignals?: boolean;
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Create, configure and listen. Every service starts the same way: validated config in, JSON
 * logs, graceful shutdown on SIGTERM/SIGINT (stop taking work, finish what is in flight, close
 * connections), HTTP for health and metrics.
 */
export async function startService(
  name: string,
  module: DynamicModule,
  config: BaseConfig,
  options: StartOptions = {},
): Promise<INestApplication> {
  const logger = new JsonLogger(name, config.LOG_LEVEL);
  const app = await NestFactory.create(module, { logger, abortOnError: false, forceCloseConnections: true });
  if (options.handleSignals !== false) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await options.configure?.(app);
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  new Logger(name).log(`listening on ${await app.getUrl()}`);
  return app;
}

/** For main.ts: start, or log why not and exit non-zero. */
export function runService(start: () => Promise<unknown>, name: string): void {
  start().catch((err: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: 'fatal', service: name, msg: 'failed to start', err: String((err as Error)?.message ?? err) })}\n`,
    );
    process.exit(1);
  });
}

import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GatewayAppModule } from '../app.module';
import { GatewayConfig } from '../gateway.config';
import { applyApiPrefix } from '../index';
import { buildOpenApi } from '../openapi';

/**
 * `npm run docs:openapi`: write docs/openapi.json from the controllers, the same document the
 * gateway serves at /api/openapi.json. Preview mode builds the module graph without starting
 * providers, so no broker or database is needed.
 */
async function main(): Promise<void> {
  const config = Object.assign(new GatewayConfig(), { JWT_SECRET: 'x'.repeat(32) });
  const app = await NestFactory.create(GatewayAppModule.register(config), { preview: true, logger: false });
  applyApiPrefix(app);
  const doc = buildOpenApi(app);
  const target = resolve(process.argv[2] ?? 'docs/openapi.json');
  writeFileSync(target, `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`wrote ${target} (${Object.keys(doc.paths).length} paths)\n`);
  await app.close();
}

void main();

#!/usr/bin/env node
// `npm run migrate [-- auth room history]`: apply the services' pending PostgreSQL migrations
// without starting the services, e.g. as the first step of an upgrade (docs/operations.md).
// Services also apply them at start; both take the same advisory lock per schema, so running
// this while instances start is safe. Runs the built migrations (dist/apps/<app>/src/migrations).
//
// Env: DATABASE_URL (as for the services; a .env file is read if present).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadDotEnv, ROOT } from './lib/launch-env.mjs';

loadDotEnv();
const require = createRequire(path.join(ROOT, 'package.json'));
require('reflect-metadata');
const SCHEMAS = { auth: 'auth', room: 'room', history: 'history' };
const apps = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(SCHEMAS);
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/happychat';
const log = (msg) => console.log(`[migrate] ${msg}`);

for (const app of apps) {
  if (!SCHEMAS[app]) {
    console.error(`[migrate] unknown service "${app}" (one of: ${Object.keys(SCHEMAS).join(', ')})`);
    process.exit(2);
  }
}
const common = path.join(ROOT, 'dist/libs/common/src/database/run-migrations.js');
if (!fs.existsSync(common)) {
  console.error('[migrate] dist/ not found: run `npm run build:server` first');
  process.exit(1);
}
const { runMigrations } = require(common);
const { DataSource } = require('typeorm');

let failed = false;
for (const app of apps) {
  const dir = path.join(ROOT, `dist/apps/${app}/src/migrations`);
  const migrations = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort()
    // Migration classes only: a migration file may export helpers too.
    .flatMap((f) =>
      Object.values(require(path.join(dir, f))).filter(
        (v) => typeof v === 'function' && typeof v.prototype?.up === 'function',
      ),
    );
  const ds = new DataSource({
    type: 'postgres',
    url,
    schema: SCHEMAS[app],
    migrations,
    migrationsTableName: 'migrations',
    extra: { max: 2, application_name: `happychat-migrate-${app}` },
  });
  try {
    await ds.initialize();
    const applied = await runMigrations(ds, SCHEMAS[app]);
    log(
      `${app}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'} (${migrations.length} known)`,
    );
  } catch (err) {
    failed = true;
    console.error(`[migrate] ${app}: ${err.message}`);
  } finally {
    if (ds.isInitialized) await ds.destroy();
  }
}
process.exit(failed ? 1 : 0);

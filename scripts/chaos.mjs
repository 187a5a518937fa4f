#!/usr/bin/env node
// The full chaos run: steady load from resilient clients against the one-machine scale-out
// (scripts/scale-out.mjs), while each service is killed with SIGKILL in turn, RabbitMQ is
// stopped and started (`rabbitmqctl stop_app` / `start_app`) and PostgreSQL is restarted
// (`pg_ctlcluster ... restart`). Prints what each fault did and the counts (sent, acked, stored,
// delivered, lost, duplicated); fails unless lost and duplicated are 0. The scenario lives in
// test/reliability/chaos.e2e-spec.ts; `npm test` runs its short version (service kills only),
// because the broker and the database are shared with every other test.
//
//   npm run chaos        # needs PostgreSQL, RabbitMQ and nginx (bash scripts/ensure-services.sh)
//
// Do not run it beside other tests: it restarts the shared RabbitMQ and PostgreSQL.
import { spawnSync } from 'node:child_process';
import { ROOT } from './lib/launch-env.mjs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const build = spawnSync(npm, ['run', 'build:server'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(
  npx,
  ['jest', '--selectProjects', 'e2e', '--runInBand', '--forceExit', 'test/reliability/chaos.e2e-spec.ts'],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CHAOS_FULL: '1' } },
);
process.exit(run.status ?? 1);

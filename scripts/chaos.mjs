#!/usr/bin/env node
// The full chaos run: steady load from resilient clients against the one-machine scale-out
// (scripts/scale-out.mjs), while each service is killed with SIGKILL in turn, RabbitMQ is
// stopped and started (`rabbitmqctl stop_app` / `start_app`) and PostgreSQL is restarted
// (`pg_ctl restart`, fast and immediate). Prints what each fault did and the counts (sent, acked,
// stored, delivered, lost, duplicated); fails unless lost and duplicated are 0. The scenario
// lives in test/reliability/chaos.e2e-spec.ts; `npm test` runs its short version (service kills
// only, on the shared servers).
//
// The broker and the database it faults are its OWN: a private RabbitMQ node and a private
// PostgreSQL cluster on free loopback ports, started here in a temp dir and stopped and removed
// afterwards (scripts/lib/private-infra.mjs). The shared servers on 5432 / 5672 are never
// touched, so it can run beside other tests, and in CI.
//
//   npm run chaos        # needs rabbitmq-server, PostgreSQL's initdb/pg_ctl and nginx installed
//
// Env: CHAOS_KEEP=1 keeps the temp dir (broker and database logs) after the run.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/launch-env.mjs';
import { pgCtlCommand, rabbitmqctlArgs, startPrivateInfra, stopPrivateInfra } from './lib/private-infra.mjs';

const log = (msg) => console.log(`[chaos] ${msg}`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const build = spawnSync(npm, ['run', 'build:server'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const infra = await startPrivateInfra({ log });
let stopping;
const teardown = () =>
  (stopping ??= stopPrivateInfra(infra, { log, keep: process.env.CHAOS_KEEP === '1' }).then(() =>
    log('private RabbitMQ node and PostgreSQL cluster stopped'),
  ));

let jest;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(sig, () => {
    log(`received ${sig}: stopping`);
    // jest and the scale-out launcher it started share a process group: stop them all.
    if (jest?.pid) {
      try {
        process.kill(-jest.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    void teardown().finally(() => process.exit(130));
  });

// What the scenario needs to reach and fault the private servers: ready-made commands, so the
// test never builds a rabbitmqctl or pg_ctl call that could reach the shared ones.
const { rabbitmq: r, postgres: p } = infra;
// -l: the restarted server keeps logging to the same file.
const restart = (mode) =>
  pgCtlCommand(p, ['-l', path.join(p.dir, 'postgres.log'), '-m', mode, '-w', '-t', '60', 'restart']);
const description = {
  postgres: {
    adminUrl: p.adminUrl,
    port: p.port,
    restartFast: restart('fast'),
    restartImmediate: restart('immediate'),
  },
  rabbitmq: {
    node: r.node,
    amqpUrl: r.amqpUrl,
    port: r.port,
    stopApp: rabbitmqctlArgs(r, ['-q', 'stop_app']),
    startApp: rabbitmqctlArgs(r, ['-q', 'start_app']),
    awaitStartup: rabbitmqctlArgs(r, ['-q', 'await_startup', '--timeout', '90']),
  },
};
const infraFile = path.join(infra.dir, 'chaos-infra.json');
fs.writeFileSync(infraFile, JSON.stringify(description, null, 2) + '\n');

let status = 1;
try {
  status = await new Promise((resolve) => {
    jest = spawn(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/jest/bin/jest.js'),
        '--selectProjects',
        'e2e',
        '--runInBand',
        '--forceExit',
        'test/reliability/chaos.e2e-spec.ts',
      ],
      {
        cwd: ROOT,
        stdio: 'inherit',
        detached: true,
        env: { ...process.env, CHAOS_FULL: '1', CHAOS_INFRA: infraFile },
      },
    );
    jest.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
} finally {
  await teardown();
}
process.exit(status);

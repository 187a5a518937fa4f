#!/usr/bin/env node
// `npm start`: build if needed, check infrastructure, then run and supervise the
// four Happy Chat services (auth, room, history, gateway) as child processes.
//
// Env (besides the services' own variables, which are passed through; a .env file is read if present):
//   HAPPYCHAT_NO_BUILD=1            skip the "build if needed" step
//   HAPPYCHAT_SERVICE_ENTRY_<NAME>  (tests only) run this JS file instead of dist/apps/<name>/src/main.js
//   AUTH_HTTP_PORT, ROOM_HTTP_PORT, HISTORY_HTTP_PORT  health/metrics ports of the backends (3001-3003)
//   WELCOME_BOT_ENABLED=true        also run the example integration (examples/welcome-bot)
//   WELCOME_BOT_NAME                its name (default "Welcome bot")
import fs from 'node:fs';
import path from 'node:path';
import {
  buildIfNeeded,
  checkInfrastructure,
  jwtSecret,
  vapidKeys,
  loadDotEnv,
  probeHost,
  ROOT,
  waitReady,
} from './lib/launch-env.mjs';
import { makePainter, ORPHAN_GUARD, Supervisor } from './lib/supervisor.mjs';
import { startWelcomeBot, welcomeBotEnabled } from './lib/welcome-bot.mjs';

const env = process.env;
loadDotEnv();
const SERVICES = [
  { name: 'auth', port: Number(env.AUTH_HTTP_PORT || 3001), color: 36 },
  { name: 'room', port: Number(env.ROOM_HTTP_PORT || 3002), color: 35 },
  { name: 'history', port: Number(env.HISTORY_HTTP_PORT || 3003), color: 33 },
  { name: 'gateway', port: Number(env.HTTP_PORT || 3000), color: 32 },
];
const SHUTDOWN_TIMEOUT_MS = Number(env.SHUTDOWN_TIMEOUT_MS || 10000);
const paint = makePainter(env);
const TAG_WIDTH = Math.max(...SERVICES.map((s) => s.name.length)) + 2;
const log = (msg) => console.log(`${paint('1;34', '[launcher]'.padEnd(TAG_WIDTH))} ${msg}`);
const fail = (msg) => {
  console.error(`${paint('1;31', '[launcher]')} ${msg}`);
  process.exit(1);
};
const supervisor = new Supervisor({ log, paint, tagWidth: TAG_WIDTH });
const entryOf = (name) =>
  env[`HAPPYCHAT_SERVICE_ENTRY_${name.toUpperCase()}`] || `dist/apps/${name}/src/main.js`;

// Run the services, restarting any that exits unexpectedly (backoff 1s -> 30s).
function startService(svc, childEnv) {
  supervisor.start({
    name: svc.name,
    color: svc.color,
    command: process.execPath,
    args: ['--require', 'reflect-metadata', '--import', ORPHAN_GUARD, entryOf(svc.name)],
    cwd: ROOT,
    env: { ...childEnv, HTTP_PORT: String(svc.port) },
    describe: () => `port ${svc.port}`,
  });
}

// The banner.
function banner(host, port) {
  const shown = probeHost(host);
  const lead = 'Happy Chat is running at ';
  const lines = [`${lead}http://${shown}:${port}`];
  if (['127.0.0.1', 'localhost', '[::1]'].includes(shown) || host === '0.0.0.0' || host === '::') {
    lines.push(`${'and at '.padStart(lead.length)}http://localhost:${port}`);
  }
  lines.push('Press Ctrl-C to stop.');
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '='.repeat(width + 4);
  console.log(paint('1;32', ['', bar, ...lines.map((l) => `  ${l.padEnd(width)}  `), bar, ''].join('\n')));
}

// Shutdown: SIGTERM the gateway first (no new work comes in), then the backends; SIGKILL
// whatever is still running SHUTDOWN_TIMEOUT_MS + 2s after its SIGTERM.
let shuttingDown = false;
async function shutdown(reason, exitCode = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${reason}: stopping services...`);
  await supervisor.stopAll([['welcome-bot'], ['gateway'], ['auth', 'room', 'history']], {
    timeoutMs: SHUTDOWN_TIMEOUT_MS + 2000,
  });
  process.exit(exitCode);
}
let firstSignalAt = 0;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    // Under `npm start` one Ctrl-C arrives twice (terminal + npm forwarding it), hence the 1s grace.
    if (shuttingDown && sig === 'SIGINT' && Date.now() - firstSignalAt > 1000) {
      log('second Ctrl-C: killing services now');
      supervisor.signalAll('SIGKILL');
      process.exit(1);
    }
    firstSignalAt ||= Date.now();
    shutdown(`received ${sig}`);
  });
}
process.on('exit', () => supervisor.signalAll('SIGKILL')); // last resort: never leave orphans behind
process.on('uncaughtException', (err) => (console.error(err), shutdown('launcher crashed', 1)));
process.on('unhandledRejection', (err) => (console.error(err), shutdown('launcher crashed', 1)));

async function main() {
  if (env.HAPPYCHAT_NO_BUILD !== '1') buildIfNeeded({ log, fail });
  const secret = jwtSecret(env, { log, fail });
  await checkInfrastructure(env, { log, fail });
  for (const svc of SERVICES) {
    const entry = entryOf(svc.name);
    if (!fs.existsSync(path.resolve(ROOT, entry))) fail(`${entry} not found: run \`npm run build\` first`);
  }
  if (SERVICES.slice(0, 3).some((s) => s.port === SERVICES[3].port))
    fail(`HTTP_PORT=${SERVICES[3].port} clashes with a backend service port`);
  const childEnv = { ...env, JWT_SECRET: secret, ...(await vapidKeys(env, { log, fail })) };
  const [backends, gateway] = [SERVICES.slice(0, 3), SERVICES[3]];
  backends.forEach((svc) => startService(svc, childEnv));
  const ready = await Promise.all(
    backends.map((svc) => waitReady(env.HTTP_HOST, svc.port, 30_000, () => shuttingDown)),
  );
  if (shuttingDown) return;
  if (!ready.every(Boolean)) log('some backend services are not ready yet; starting the gateway anyway');
  startService(gateway, childEnv);
  let warned = false;
  while (!shuttingDown) {
    if (await waitReady(env.HTTP_HOST, gateway.port, 60_000, () => shuttingDown)) {
      if (welcomeBotEnabled(env)) startWelcomeBot({ env, childEnv, supervisor, log });
      return banner(env.HTTP_HOST, gateway.port);
    }
    if (!warned && !shuttingDown)
      log(`still waiting for the gateway at ${probeHost(env.HTTP_HOST)}:${gateway.port}/health/ready ...`);
    warned = true;
  }
}

main().catch((err) => (console.error(err), shutdown('launcher crashed', 1)));

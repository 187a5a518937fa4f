// The example integration (examples/welcome-bot), run by `npm start` when WELCOME_BOT_ENABLED=true:
// the integrations CLI makes sure an integration named WELCOME_BOT_NAME exists and issues it
// fresh credentials (each start rotates them: the old password is never stored anywhere), then
// the bot runs supervised beside the services. A room owner adds it to a room from the room's
// settings (or POST /api/v1/rooms/:id/integrations).
import { spawnSync } from 'node:child_process';
import { ROOT } from './launch-env.mjs';
import { ORPHAN_GUARD } from './supervisor.mjs';

export const welcomeBotEnabled = (env) => ['1', 'true', 'yes'].includes(String(env.WELCOME_BOT_ENABLED).toLowerCase());

export function startWelcomeBot({ env, childEnv, supervisor, log }) {
  const name = env.WELCOME_BOT_NAME || 'Welcome bot';
  const cli = spawnSync(
    process.execPath,
    ['--require', 'reflect-metadata', 'dist/apps/auth/src/cli/integrations.js', 'ensure', name, '--json'],
    { cwd: ROOT, env: childEnv, encoding: 'utf8', timeout: 60_000 },
  );
  if (cli.status !== 0) {
    log(`welcome bot not started: ${(cli.stderr || cli.stdout || 'the integrations CLI failed').trim()}`);
    return;
  }
  const { integration, amqp } = JSON.parse(cli.stdout);
  supervisor.start({
    name: 'welcome-bot',
    color: 34,
    command: process.execPath,
    args: ['--import', ORPHAN_GUARD, 'examples/welcome-bot/welcome-bot.mjs'],
    cwd: ROOT,
    env: {
      PATH: env.PATH,
      HAPPYCHAT_BOT_AMQP_URL: amqp.url,
      HAPPYCHAT_BOT_ID: integration.id,
      HAPPYCHAT_BOT_QUEUE: amqp.queue,
      HAPPYCHAT_BOT_EXCHANGE: amqp.exchange,
    },
    describe: () => `integration ${integration.name} (${integration.id})`,
  });
}

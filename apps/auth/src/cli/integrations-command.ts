import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IntegrationCredentialsView, IntegrationView } from '@app/contracts';
import { DatabaseModule, loadConfig, ObservabilityModule, UsageError } from '@app/common';
import { MessagingModule } from '@app/messaging';
import { AUTH_DATABASE } from '../app.module';
import { AuthConfig } from '../auth.config';
import { IntegrationsModule } from '../integrations/integrations.module';
import { IntegrationsService } from '../integrations/integrations.service';

export const INTEGRATIONS_USAGE = `usage: node dist/apps/auth/src/cli/integrations.js <command> [--json]
  create <name>     create an integration; prints its credentials (shown once)
  list              every integration
  rotate <id>       issue a new broker password (old one and its connections stop working)
  revoke <id>       delete its broker user, connections and queue
  ensure <name>     the live integration with this name (created if missing), with fresh credentials
Reads the auth service's configuration from the environment (DATABASE_URL, AMQP_URL,
RABBITMQ_MANAGEMENT_URL, INTEGRATIONS_AMQP_URL). Acts as the operator: no admin account needed.`;

/** Only what integrations need: the auth database and a broker connection that serves no queue. */
@Module({})
class IntegrationsCliModule {
  static register(config: AuthConfig): DynamicModule {
    return {
      module: IntegrationsCliModule,
      global: true,
      imports: [
        ObservabilityModule,
        MessagingModule.forRoot({
          url: config.AMQP_URL,
          connectionName: 'auth-integrations-cli',
          prefetch: 1,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          rpcBatchLingerMs: config.RPC_BATCH_LINGER_MS,
          shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
        }),
        DatabaseModule.forService({ url: config.DATABASE_URL, ...AUTH_DATABASE }),
        IntegrationsModule,
      ],
      providers: [{ provide: AuthConfig, useValue: config }],
      exports: [AuthConfig],
    };
  }
}

export type CliResult = IntegrationCredentialsView | IntegrationView | { integrations: IntegrationView[] };

export async function runIntegrationsCommand(argv: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  const args = argv.filter((a) => a !== '--json');
  const [command, arg] = args;
  const needs = (what: string): string => {
    if (!arg || args.length !== 2) throw new UsageError(`${command} needs exactly one ${what}`);
    return arg;
  };
  if (!['create', 'list', 'rotate', 'revoke', 'ensure'].includes(command ?? '')) {
    throw new UsageError(command ? `unknown command: ${command}` : 'no command given');
  }
  if (command === 'list' && args.length !== 1) throw new UsageError('list takes no argument');
  const input = command === 'list' ? '' : needs(command === 'create' || command === 'ensure' ? 'name' : 'id');

  const config = loadConfig(AuthConfig, env);
  const app = await NestFactory.createApplicationContext(IntegrationsCliModule.register(config), {
    logger: ['error'],
  });
  try {
    const integrations = app.get(IntegrationsService);
    switch (command) {
      case 'create':
        return await integrations.create('operator', input);
      case 'list':
        return await integrations.list('operator');
      case 'rotate':
        return await integrations.rotate('operator', input);
      case 'revoke':
        return await integrations.revoke('operator', input);
      default: {
        const live = (await integrations.list('operator')).integrations.find(
          (i) => !i.revokedAt && i.name === input.normalize('NFC').trim(),
        );
        return live
          ? await integrations.rotate('operator', live.id)
          : await integrations.create('operator', input);
      }
    }
  } finally {
    await app.close();
  }
}

/** Human-readable output; --json prints the result as JSON instead. */
export function describeResult(result: CliResult): string {
  if ('amqp' in result) {
    return [
      `integration ${result.integration.name} (${result.integration.id})`,
      `  AMQP URL:  ${result.amqp.url}`,
      `  username:  ${result.amqp.username}`,
      `  password:  ${result.amqp.password}   (shown only now)`,
      `  publish:   exchange ${result.amqp.exchange}, routing key room.<roomId>.user.${result.integration.id}`,
      `  consume:   queue ${result.amqp.queue}`,
    ].join('\n');
  }
  const list = 'integrations' in result ? result.integrations : [result];
  if (list.length === 0) return 'no integrations';
  return list
    .map(
      (i) =>
        `${i.id}  ${i.name}  ${i.revokedAt ? `revoked ${i.revokedAt}` : `issued ${i.credentialsIssuedAt}`}`,
    )
    .join('\n');
}

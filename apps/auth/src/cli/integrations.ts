import 'reflect-metadata';
import {
  describeResult,
  INTEGRATIONS_USAGE,
  runIntegrationsCommand,
  UsageError,
} from './integrations-command';

const argv = process.argv.slice(2);
runIntegrationsCommand(argv).then(
  (result) => {
    process.stdout.write(`${argv.includes('--json') ? JSON.stringify(result) : describeResult(result)}\n`);
  },
  (err: unknown) => {
    if (err instanceof UsageError) process.stderr.write(`${err.message}\n\n${INTEGRATIONS_USAGE}\n`);
    else process.stderr.write(`integrations: ${(err as Error).message}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);

import 'reflect-metadata';
import { runCommandLine } from '@app/common';
import { describeResult, INTEGRATIONS_USAGE, runIntegrationsCommand } from './integrations-command';

const argv = process.argv.slice(2);
runCommandLine({
  name: 'integrations',
  usage: INTEGRATIONS_USAGE,
  run: () => runIntegrationsCommand(argv),
  describe: (result) => (argv.includes('--json') ? JSON.stringify(result) : describeResult(result)),
});

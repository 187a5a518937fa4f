import 'reflect-metadata';
import { runCommandLine } from '@app/common';
import {
  DELETE_PERSON_INBOXES_USAGE,
  describeDeleteResult,
  runDeletePersonInboxes,
} from './delete-person-inboxes-command';

const argv = process.argv.slice(2);
runCommandLine({
  name: 'delete-person-inboxes',
  usage: DELETE_PERSON_INBOXES_USAGE,
  run: () =>
    runDeletePersonInboxes(argv, {
      onProgress: (p, lastId) =>
        process.stderr.write(
          `${p.accounts} accounts read (up to ${lastId}): ${p.people} people, ${p.integrations} integrations` +
            `${p.dryRun ? '' : `, ${p.deleted} inboxes deleted, ${p.inUse} in use`}\n`,
        ),
    }),
  describe: (result) => (argv.includes('--json') ? JSON.stringify(result) : describeDeleteResult(result)),
  // Not finished while an inbox still feeds a queue: a script running this should notice.
  exitCodeOf: (result) => (result.inUse > 0 ? 1 : 0),
});

import 'reflect-metadata';
import {
  DELETE_PERSON_INBOXES_USAGE,
  describeDeleteResult,
  runDeletePersonInboxes,
  UsageError,
} from './delete-person-inboxes-command';

const argv = process.argv.slice(2);
runDeletePersonInboxes(argv, {
  onProgress: (p, lastId) =>
    process.stderr.write(
      `${p.accounts} accounts read (up to ${lastId}): ${p.people} people, ${p.integrations} integrations` +
        `${p.dryRun ? '' : `, ${p.deleted} inboxes deleted, ${p.inUse} in use`}\n`,
    ),
}).then(
  (result) => {
    process.stdout.write(
      `${argv.includes('--json') ? JSON.stringify(result) : describeDeleteResult(result)}\n`,
    );
    // Not finished while an inbox still feeds a queue: a script running this should notice.
    if (result.inUse > 0) process.exitCode = 1;
  },
  (err: unknown) => {
    if (err instanceof UsageError) process.stderr.write(`${err.message}\n\n${DELETE_PERSON_INBOXES_USAGE}\n`);
    else process.stderr.write(`delete-person-inboxes: ${(err as Error).message}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);

import 'reflect-metadata';
import { EXPORT_USAGE, runExport, UsageError } from './export-command';

runExport(process.argv.slice(2)).then(
  (s) => {
    process.stdout.write(
      `exported ${s.messages} messages over ${s.days} days of room ${s.roomId} to ${s.out}\n`,
    );
  },
  (err: unknown) => {
    if (err instanceof UsageError) process.stderr.write(`${err.message}\n\n${EXPORT_USAGE}\n`);
    else process.stderr.write(`export failed: ${(err as Error).message}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);

/** The command line was wrong: the command prints its usage and exits with status 2. */
export class UsageError extends Error {}

export interface CommandLine<T> {
  /** Prefixes a failure's message on stderr. */
  name: string;
  usage: string;
  run: () => Promise<T>;
  /** What goes to stdout on success. */
  describe: (result: T) => string;
  /** Exit status of a run that finished (default 0), e.g. 1 for work left undone. */
  exitCodeOf?: (result: T) => number;
}

/**
 * Runs a one-off operator command: its result on stdout; a usage error with the usage on
 * stderr (status 2); any other failure on stderr (status 1).
 */
export function runCommandLine<T>({ name, usage, run, describe, exitCodeOf }: CommandLine<T>): void {
  run().then(
    (result) => {
      process.stdout.write(`${describe(result)}\n`);
      process.exitCode = exitCodeOf?.(result) ?? 0;
    },
    (err: unknown) => {
      if (err instanceof UsageError) process.stderr.write(`${err.message}\n\n${usage}\n`);
      else process.stderr.write(`${name}: ${(err as Error).message}\n`);
      process.exitCode = err instanceof UsageError ? 2 : 1;
    },
  );
}

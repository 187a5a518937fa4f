import 'reflect-metadata';
import { runCommandLine } from '@app/common';
import { EXPORT_USAGE, runExport } from './export-command';

runCommandLine({
  name: 'export failed',
  usage: EXPORT_USAGE,
  run: () => runExport(process.argv.slice(2)),
  describe: (s) => `exported ${s.messages} messages over ${s.days} days of room ${s.roomId} to ${s.out}`,
});

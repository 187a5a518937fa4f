// Preloaded (`node --import`) into a service under `npm run bench -- --profile`. Product code is
// untouched. SIGUSR2 starts the V8 CPU profiler; a second SIGUSR2 stops it and writes
// $BENCH_CPU_PROF_DIR/<BENCH_PROC_NAME>-<pid>.cpuprofile. (`node --cpu-prof` is no use here: the
// services re-raise SIGTERM after their graceful shutdown and die by the signal, so the profile
// that --cpu-prof writes on a normal exit never appears.)
import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
const name = process.env.BENCH_PROC_NAME ?? 'node';
if (dir) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')),
      );
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      const file = path.join(dir, `${name}-${process.pid}.cpuprofile`);
      if (err) fs.writeFileSync(`${file}.error`, String(err));
      else fs.writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}

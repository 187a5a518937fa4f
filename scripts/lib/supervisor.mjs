// Process supervision shared by `npm start` (scripts/start.mjs) and the one-machine scale-out
// (scripts/scale-out.mjs): run children in their own process groups, prefix their output, restart
// one that exits unexpectedly with capped backoff, and stop them in order.
import { spawn } from 'node:child_process';
import readline from 'node:readline';

/**
 * Preloaded into each Node child: exit gracefully if the launcher dies (even by SIGKILL).
 * Children are also started with `--require reflect-metadata`: decorator metadata must exist
 * before the first decorated class loads, whatever order a main.ts imports things in.
 */
export const ORPHAN_GUARD =
  'data:text/javascript,const p=process.ppid;setInterval(()=>{if(process.ppid!==p)process.kill(process.pid,"SIGTERM")},1000).unref();';

/** ANSI colouring that honours FORCE_COLOR / NO_COLOR and whether stdout is a terminal. */
export function makePainter(env = process.env) {
  const useColor = env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : process.stdout.isTTY && !env.NO_COLOR;
  return (code, text) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
}

function pipeLines(stream, out, tag) {
  readline
    .createInterface({ input: stream, crlfDelay: Infinity })
    .on('line', (line) => out.write(`${tag} ${line}\n`));
}

const isRunning = (proc) => Boolean(proc) && proc.exitCode === null && proc.signalCode === null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A child spec: { name, command, args, cwd, env, color?, restart? (default true) }.
 * `env` may be a function of the start number (1, 2, ...) for settings that must differ per run.
 * Events for `onChange(kind, state)`: 'start' and 'exit'.
 */
export class Supervisor {
  constructor({ log, paint, tagWidth, restartBaseMs = 1000, restartMaxMs = 30_000, onChange = () => {} }) {
    Object.assign(this, { log, paint, tagWidth, restartBaseMs, restartMaxMs, onChange });
    this.children = new Map(); // name -> { spec, proc, timer, failures, startedAt, starts, expectExit }
    this.shuttingDown = false;
  }

  start(spec) {
    const state = this.children.get(spec.name) ?? { spec, failures: 0, starts: 0 };
    this.children.set(spec.name, state);
    Object.assign(state, { spec, timer: null, expectExit: false, startedAt: Date.now() });
    state.starts += 1;
    const env = typeof spec.env === 'function' ? spec.env(state.starts) : spec.env;
    const proc = spawn(spec.command, spec.args ?? [], {
      cwd: spec.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: Ctrl-C reaches only the launcher, which stops children in order
    });
    state.proc = proc;
    state.env = env;
    const tag = this.paint(spec.color ?? 0, `[${spec.name}]`.padEnd(this.tagWidth));
    pipeLines(proc.stdout, process.stdout, tag);
    pipeLines(proc.stderr, process.stderr, tag);
    proc.on('error', (err) => this.log(`${spec.name}: failed to spawn: ${err.message}`));
    proc.on('exit', (code, signal) => this.onExit(state, proc, code, signal));
    this.log(`started ${spec.name} (pid ${proc.pid}${spec.describe ? `, ${spec.describe(env)}` : ''})`);
    this.onChange('start', state);
    return state;
  }

  onExit(state, proc, code, signal) {
    const how = signal ? `signal ${signal}` : `code ${code}`;
    this.onChange('exit', state);
    if (state.proc !== proc) return;
    if (this.shuttingDown || state.expectExit) return this.log(`${state.spec.name} stopped (${how})`);
    if (state.spec.restart === false) return this.log(`${state.spec.name} exited (${how}); not restarting`);
    if (Date.now() - state.startedAt > 60_000) state.failures = 0; // it had been running fine
    const delay = Math.min(this.restartMaxMs, this.restartBaseMs * 2 ** state.failures++);
    this.log(this.paint(31, `${state.spec.name} exited (${how}); restarting in ${delay / 1000}s`));
    state.timer = setTimeout(() => this.start(state.spec), delay);
  }

  get(name) {
    return this.children.get(name);
  }

  isRunning(name) {
    return isRunning(this.children.get(name)?.proc);
  }

  anyRunning(names = [...this.children.keys()]) {
    return names.some((n) => this.isRunning(n));
  }

  /** Signal the child's whole process group (its own children too). */
  signal(name, signal) {
    const proc = this.children.get(name)?.proc;
    if (!isRunning(proc)) return;
    try {
      process.kill(-proc.pid, signal);
    } catch {
      try {
        proc.kill(signal);
      } catch {
        /* already gone */
      }
    }
  }

  signalAll(signal) {
    for (const name of this.children.keys()) this.signal(name, signal);
  }

  /**
   * Stop these children (no restart): `signal` first (a name, or a function of the child's name),
   * SIGKILL after `timeoutMs`. Resolves once all of them have exited.
   */
  async stop(names, { signal = 'SIGTERM', timeoutMs = 10_000 } = {}) {
    for (const name of names) {
      const state = this.children.get(name);
      if (!state) continue;
      state.expectExit = true;
      clearTimeout(state.timer);
      this.signal(name, typeof signal === 'function' ? signal(name) : signal);
    }
    const deadline = Date.now() + timeoutMs;
    while (this.anyRunning(names) && Date.now() < deadline) await sleep(100);
    if (this.anyRunning(names)) {
      this.log(`${names.filter((n) => this.isRunning(n)).join(', ')} did not stop in time; killing`);
      for (const name of names) this.signal(name, 'SIGKILL');
      while (this.anyRunning(names)) await sleep(50);
    }
  }

  /** Stop one child gracefully and start it again at once (a rolling restart step). */
  async restart(name, options) {
    const state = this.children.get(name);
    if (!state) throw new Error(`unknown child ${name}`);
    await this.stop([name], options);
    if (!this.shuttingDown) this.start(state.spec);
  }

  /** Stop everything, group by group (e.g. entry points first, then what they depend on). */
  async stopAll(groups, options) {
    this.shuttingDown = true;
    for (const state of this.children.values()) clearTimeout(state.timer);
    const all = [...this.children.keys()];
    const listed = new Set(groups.flat());
    for (const group of [...groups, all.filter((n) => !listed.has(n))]) {
      if (group.length > 0) await this.stop(group, options);
    }
  }
}

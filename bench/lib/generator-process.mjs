// The parent's handle on one bench/generator.mjs process: request/response over IPC with timeouts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnNode, stopChild } from './infra.mjs';

const GENERATOR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../generator.mjs');

export class GeneratorProcess {
  constructor(name, gen, { logDir, runTag }) {
    this.name = name;
    this.child = spawnNode(name, [GENERATOR], {
      cwd: path.dirname(GENERATOR),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GEN_ID: String(gen), RUN_TAG: runTag },
      logFile: path.join(logDir, `${name}.log`),
      ipc: true,
    });
    this.pid = this.child.pid;
    this.pending = new Map();
    this.seq = 0;
    this.child.proc.on('message', (m) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${name}: ${m.error}`));
    });
    this.child.proc.on('exit', (code, signal) => {
      for (const p of this.pending.values())
        p.reject(new Error(`${name} exited (${code ?? signal}); see ${this.child.logFile}`));
      this.pending.clear();
    });
  }

  request(msg, timeoutMs) {
    const id = ++this.seq;
    if (this.child.exited || !this.child.proc.connected)
      return Promise.reject(new Error(`${this.name} is not running; see ${this.child.logFile}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${msg.cmd} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.proc.send({ ...msg, id });
    });
  }

  async close() {
    if (this.child.exited) return;
    await this.request({ cmd: 'close' }, 15_000).catch(() => undefined);
    await stopChild(this.child, 3000);
  }
}

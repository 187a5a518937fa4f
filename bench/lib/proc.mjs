// Reading other processes from /proc: resident memory, CPU time, and the machine we run on.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  /* 100 is the Linux default */
}

/** VmRSS in KiB, or null when the process is gone. */
export function rssKib(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** utime + stime in seconds, or null when the process is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces; everything after the closing paren is space separated.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / clockTicks; // fields 14 and 15
  } catch {
    return null;
  }
}

/**
 * Seconds the process's main thread (for Node: the event loop) spent runnable but waiting for a
 * CPU, from /proc/<pid>/schedstat. High next to low CPU use means the process was starved by
 * the machine, not idle.
 */
export function runqueueWaitSeconds(pid) {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return null;
  }
}

/** Pids whose /proc/<pid>/comm equals `name` (e.g. beam.smp for RabbitMQ). */
export function pidsByComm(name) {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

/**
 * CPU meter over named groups of pids: start() snapshots, read() gives cores used per group
 * (CPU seconds per wall second) since the snapshot. A pid that died counts what it had used.
 */
export class CpuMeter {
  constructor(groups) {
    this.groups = groups; // { name: [pid, ...] }
  }

  start() {
    this.t0 = performance.now();
    this.base = {};
    this.waitBase = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      this.base[name] = pids.map((pid) => cpuSeconds(pid) ?? 0);
      this.waitBase[name] = pids.map((pid) => runqueueWaitSeconds(pid) ?? 0);
    }
    return this;
  }

  /** Cores used per group since start(). */
  read() {
    return this.#delta(cpuSeconds, this.base);
  }

  /** Per group: how many of its event loops were, on average, runnable but waiting for a CPU. */
  readWait() {
    return this.#delta(runqueueWaitSeconds, this.waitBase);
  }

  #delta(fn, base) {
    const wall = (performance.now() - this.t0) / 1000;
    const out = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      let used = 0;
      pids.forEach((pid, i) => {
        const now = fn(pid);
        if (now !== null) used += now - base[name][i];
      });
      out[name] = Math.round((used / wall) * 1000) / 1000;
    }
    return out;
  }
}

export function machineInfo() {
  const cpus = os.cpus();
  let rabbitmq = null;
  let postgres = null;
  try {
    rabbitmq = execFileSync('rabbitmqctl', ['-q', 'version'], { encoding: 'utf8', timeout: 15000 }).trim();
  } catch {
    /* optional */
  }
  try {
    postgres = execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-Atc', 'show server_version'], {
      encoding: 'utf8',
      timeout: 5000,
    }).trim();
  } catch {
    /* optional */
  }
  return {
    hostname: os.hostname(),
    nproc: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryMiB: Math.round(os.totalmem() / 1048576),
    node: process.version,
    kernel: os.release(),
    loadavgAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    rabbitmq,
    postgres,
  };
}

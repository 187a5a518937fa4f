import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, createTestVhost, eventually, Isolated } from '../support/infra';

const ROOT = resolve(__dirname, '../..');

export interface InstanceState {
  app: string;
  port: number;
  pid: number | null;
  running: boolean;
  starts: number;
  instanceId?: string;
}

export interface ScaleOutState {
  pid: number;
  ready: boolean;
  url: string;
  dir: string;
  instances: Record<string, InstanceState>;
}

/** Sum of every sample of a Prometheus metric (all label sets) in a text exposition. */
export function metricValue(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !/[\s{]/.test(line[name.length] ?? '')) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * `node scripts/scale-out.mjs` as a child process, on a fresh database and vhost, every port
 * chosen free, its working directory in a temp dir; read back through its state.json.
 */
export class ScaleOut {
  output = '';

  private constructor(
    readonly proc: ChildProcess,
    readonly dir: string,
    readonly db: Isolated,
    readonly vhost: Isolated,
    readonly env: NodeJS.ProcessEnv,
  ) {
    const keep = (c: Buffer): void => {
      this.output += c.toString();
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
  }

  /**
   * @param servers other PostgreSQL and RabbitMQ servers than the shared test ones (the full
   *   chaos run's private pair): a fresh database is created on that PostgreSQL; the broker is
   *   used through its default vhost, as nothing else uses that node.
   */
  static async start(
    overrides: NodeJS.ProcessEnv = {},
    servers?: { pgAdminUrl: string; amqpUrl: string },
  ): Promise<ScaleOut> {
    for (const app of ['auth', 'room', 'history', 'gateway']) {
      const entry = resolve(ROOT, `dist/apps/${app}/src/main.js`);
      if (!existsSync(entry)) throw new Error(`${entry} missing: run npm run build (npm test does)`);
    }
    const [db, vhost] = servers
      ? [
          await createTestDatabase('hc_scale', servers.pgAdminUrl),
          { name: '/', url: servers.amqpUrl, drop: async () => undefined },
        ]
      : await Promise.all([createTestDatabase('hc_scale'), createTestVhost('hc_scale')]);
    const dir = mkdtempSync(join(tmpdir(), 'hc-scale-test-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HAPPYCHAT_NO_BUILD: '1',
      NO_COLOR: '1',
      SCALE_OUT_DIR: dir,
      SCALE_OUT_PORT: '0',
      SCALE_OUT_BASE_PORT: '0',
      DATABASE_URL: db.url,
      AMQP_URL: vhost.url,
      MONGO_URL: '',
      JWT_SECRET: randomBytes(32).toString('base64url'),
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_ITERATIONS: '1',
      LOG_LEVEL: 'warn',
      SEND_RATE_PER_SECOND: '10000',
      SEND_BURST: '100000',
      ...overrides,
    };
    const proc = spawn(process.execPath, ['scripts/scale-out.mjs'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const so = new ScaleOut(proc, dir, db, vhost, env);
    try {
      await eventually(
        () => {
          if (proc.exitCode !== null) throw new Error(`scale-out exited (${proc.exitCode}):\n${so.output}`);
          return existsSync(join(dir, 'state.json')) && so.state().ready;
        },
        120_000,
        200,
      );
    } catch (err) {
      await so.stop();
      throw new Error(`scale-out did not become ready: ${(err as Error).message}\n${so.output}`);
    }
    return so;
  }

  state(): ScaleOutState {
    return JSON.parse(readFileSync(join(this.dir, 'state.json'), 'utf8')) as ScaleOutState;
  }

  get url(): string {
    return this.state().url;
  }

  get wsUrl(): string {
    return `${this.url.replace(/^http/, 'ws')}/ws`;
  }

  instance(name: string): InstanceState {
    const inst = this.state().instances[name];
    if (!inst) throw new Error(`no instance ${name}`);
    return inst;
  }

  names(app: string): string[] {
    return Object.entries(this.state().instances)
      .filter(([, i]) => i.app === app)
      .map(([n]) => n);
  }

  async metrics(name: string): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.instance(name).port}/metrics`);
    if (res.status !== 200) throw new Error(`${name} /metrics: ${res.status}`);
    return res.text();
  }

  async metric(name: string, metric: string): Promise<number> {
    return metricValue(await this.metrics(name), metric);
  }

  signal(name: string, signal: NodeJS.Signals): number {
    const { pid } = this.instance(name);
    if (!pid) throw new Error(`${name} has no pid`);
    process.kill(pid, signal);
    return pid;
  }

  /** Until the process with this pid has exited (the launcher saw it go). */
  async waitExited(name: string, pid: number, timeoutMs = 30_000): Promise<void> {
    await eventually(
      () => {
        const i = this.instance(name);
        return i.pid !== pid || !i.running;
      },
      timeoutMs,
      50,
    );
  }

  /** Until the instance runs as its `starts`-th process at least and answers /health/ready. */
  async waitReady(name: string, starts = 1, timeoutMs = 60_000): Promise<InstanceState> {
    const ready = await eventually<InstanceState | false>(
      async () => {
        const i = this.instance(name);
        if (!i.running || i.starts < starts) return false;
        const res = await fetch(`http://127.0.0.1:${i.port}/health/ready`).catch(() => undefined);
        return res?.status === 200 ? i : false;
      },
      timeoutMs,
      100,
    );
    return ready as InstanceState;
  }

  async stop(): Promise<void> {
    let clean = this.proc.exitCode !== null || this.proc.signalCode !== null;
    if (!clean) {
      const exited = new Promise<boolean>((r) => this.proc.once('exit', () => r(true)));
      this.proc.kill('SIGTERM');
      const timer = new Promise<boolean>((r) => setTimeout(() => r(false), 30_000).unref());
      clean = await Promise.race([exited, timer]);
    }
    if (!clean) {
      // The launcher is stuck: end what it had running, so no orphans are left behind.
      let instances: InstanceState[] = [];
      try {
        instances = Object.values(this.state().instances);
      } catch {
        /* it never wrote its state */
      }
      for (const inst of instances) {
        if (!inst.pid || !inst.running) continue;
        try {
          process.kill(inst.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      this.proc.kill('SIGKILL');
    }
    await Promise.all([this.db.drop(), this.vhost.drop()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BaseConfig } from '@app/common';

const exec = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const SECRET = 'compose-test-secret-0123456789abcdef';

interface ComposeService {
  image?: string;
  build?: { args?: Record<string, string> };
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  ports?: unknown[];
  profiles?: string[];
  volumes?: Array<string | { type: string; source: string; target: string }>;
  stop_grace_period?: string;
}
interface ComposeConfig {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

/** Every `*.config.ts` class under apps/<app>/src: its settings are its property names. */
async function configClasses(): Promise<Array<{ app: string; file: string; settings: string[] }>> {
  const found: Array<{ app: string; file: string; settings: string[] }> = [];
  for (const app of readdirSync(join(ROOT, 'apps'))) {
    const dir = join(ROOT, 'apps', app, 'src');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.config.ts'))) {
      const mod = (await import(join(dir, file))) as Record<string, unknown>;
      for (const value of Object.values(mod)) {
        if (typeof value !== 'function' || !(value.prototype instanceof BaseConfig)) continue;
        found.push({ app, file, settings: Object.keys(new (value as new () => object)()) });
      }
    }
  }
  return found;
}

/**
 * docker-compose.yml as Debian's docker-compose (v1, installed by scripts/ensure-services.sh)
 * reads it. No Docker engine runs here: `config` validates and resolves the file without one.
 * An empty env file stands in for .env, so a developer's own .env does not change the result.
 */
describe('docker-compose.yml', () => {
  let dir: string;
  let envFile: string;
  const compose = (args: string[], env: NodeJS.ProcessEnv = { JWT_SECRET: SECRET }) =>
    exec('docker-compose', ['--env-file', envFile, '-f', join(ROOT, 'docker-compose.yml'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
  const resolved = async (profile?: string): Promise<ComposeConfig> => {
    const { stdout } = await compose([...(profile ? ['--profile', profile] : []), 'config']);
    const py = spawnSync(
      'python3',
      ['-c', 'import json,sys,yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
      { input: stdout, encoding: 'utf8' },
    );
    if (py.status !== 0) throw new Error(`YAML to JSON failed: ${py.stderr}`);
    return JSON.parse(py.stdout) as ComposeConfig;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hc-compose-'));
    envFile = join(dir, 'empty.env');
    writeFileSync(envFile, '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes `docker-compose config -q`', async () => {
    await expect(compose(['config', '-q'])).resolves.toBeDefined();
    await expect(compose(['--profile', 'scale', 'config', '-q'])).resolves.toBeDefined();
  });

  it('refuses to resolve without JWT_SECRET, naming it', async () => {
    await expect(compose(['config', '-q'], {})).rejects.toMatchObject({
      stderr: expect.stringContaining('JWT_SECRET'),
    });
  });

  it('runs a second gateway only with the `scale` profile, both behind nginx', async () => {
    // docker-compose v1 lists profiled services in `config` too; `up` starts them only with
    // --profile scale.
    const cfg = await resolved('scale');
    for (const [name, svc] of Object.entries(cfg.services))
      expect({ name, profiles: svc.profiles ?? [] }).toEqual({
        name,
        profiles: name === 'gateway-2' ? ['scale'] : [],
      });
    const [g1, g2] = [cfg.services.gateway, cfg.services['gateway-2']];
    expect(g2.build?.args?.APP).toBe('gateway');
    expect(g2.environment).toEqual(g1.environment);
    expect(g2.healthcheck).toEqual(g1.healthcheck);
    // Each gateway needs its own delivery queue: no fixed instance id may be shared.
    expect(g1.environment?.GATEWAY_INSTANCE_ID ?? '').toBe('');
    const nginxConf = readFileSync(join(ROOT, 'ops/nginx/nginx.conf'), 'utf8');
    expect(nginxConf).toMatch(/server gateway:3000 resolve/);
    expect(nginxConf).toMatch(/server gateway-2:3000 resolve/);
  });

  it('has a healthcheck on every service, health-gated depends_on, named volumes, one published port', async () => {
    const cfg = await resolved('scale');
    for (const [name, svc] of Object.entries(cfg.services)) {
      expect({ name, healthcheck: Boolean(svc.healthcheck?.test) }).toEqual({ name, healthcheck: true });
      for (const [dep, cond] of Object.entries(svc.depends_on ?? {}))
        expect({ name, dep, condition: cond.condition }).toEqual({ name, dep, condition: 'service_healthy' });
      if (name !== 'nginx') expect({ name, ports: svc.ports ?? [] }).toEqual({ name, ports: [] });
    }
    expect(cfg.services.nginx.ports).toHaveLength(1);
    expect(Object.keys(cfg.volumes).sort()).toEqual([
      'mongo-config',
      'mongo-data',
      'postgres-data',
      'rabbitmq-data',
    ]);
    for (const [name, target] of [
      ['postgres', '/var/lib/postgresql/data'],
      ['rabbitmq', '/var/lib/rabbitmq'],
      ['mongo', '/data/db'],
    ]) {
      const sources = (cfg.services[name].volumes ?? [])
        .map((v) => (typeof v === 'string' ? v.split(':') : [v.source, v.target]))
        .filter(([, t]) => t === target)
        .map(([source]) => source);
      expect({ name, sources }).toEqual({ name, sources: [expect.stringMatching(/^[a-z]+-data$/)] });
    }
    for (const app of ['auth', 'room', 'history', 'gateway'])
      expect(cfg.services[app].depends_on).toHaveProperty('rabbitmq');
  });

  it('passes every setting of every service config class through to that service', async () => {
    const cfg = await resolved('scale');
    const classes = await configClasses();
    expect(classes.map((c) => c.app).sort()).toEqual(['auth', 'gateway', 'history', 'room']);
    const missing: string[] = [];
    for (const { app, settings } of classes) {
      const env = cfg.services[app].environment ?? {};
      for (const s of settings) if (!(s in env)) missing.push(`${app}: ${s}`);
    }
    expect(missing).toEqual([]);
  });

  it('documents every setting in .env.example', async () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const missing = new Set<string>();
    for (const { app, file, settings } of await configClasses())
      for (const s of settings) if (!documented.has(s)) missing.add(`${s} (apps/${app}/src/${file})`);
    expect([...missing]).toEqual([]);
  });

  it("nginx accepts the compose nginx.conf (container names and paths mapped for this machine's nginx)", () => {
    // Debian's nginx 1.22 predates `resolve` in upstreams (1.27.3), and the container names do
    // not resolve here: map both to loopback, and the container paths to the repository.
    const conf = readFileSync(join(ROOT, 'ops/nginx/nginx.conf'), 'utf8')
      .replace(/\/etc\/nginx\/happychat\//g, `${join(ROOT, 'ops/nginx')}/`)
      .replace(/^\s*resolver .*$/m, '')
      .replace(/^(\s*zone .*)$/m, '')
      .replace(
        /server gateway(-2)?:3000 resolve/g,
        (_m, two: string | undefined) => `server 127.0.0.1:${two ? 3998 : 3999}`,
      )
      .replace(/^pid .*$/m, `pid ${join(dir, 'nginx.pid')};`)
      .replace(/^(\s*)access_log .*$/m, `$1access_log ${join(dir, 'access.log')} happychat;`);
    const file = join(dir, 'nginx.conf');
    writeFileSync(file, conf);
    const res = spawnSync('/usr/sbin/nginx', ['-t', '-q', '-p', dir, '-c', file, '-e', 'stderr'], {
      encoding: 'utf8',
    });
    expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: '' });
  });
});

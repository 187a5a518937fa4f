import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { api, registerUser } from './support/http';
import { createTestDatabase, createTestVhost, eventually, Isolated } from './support/infra';
import { createRoomWith, sendHttp } from './support/rooms';
import { TestSocket } from './support/ws-client';

const ROOT = resolve(__dirname, '..');

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/health/live`).then(
    () => true,
    () => false,
  );
}

/**
 * What `npm start` runs, as separate OS processes: the built services supervised by
 * scripts/start.mjs. Needs the build (`npm test` builds first).
 */
describe('npm start: the launcher runs the whole system', () => {
  let db: Isolated;
  let vhost: Isolated;
  let launcher: ChildProcess;
  let output = '';
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    for (const f of ['dist/apps/gateway/src/main.js', 'dist/web/index.html']) {
      if (!existsSync(resolve(ROOT, f))) throw new Error(`${f} missing: run npm run build (npm test does)`);
    }
    [db, vhost] = await Promise.all([createTestDatabase('hc_launch'), createTestVhost('hc_launch')]);
    for (const name of ['gateway', 'auth', 'room', 'history']) ports[name] = await freePort();
    launcher = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        HAPPYCHAT_NO_BUILD: '1',
        NO_COLOR: '1',
        DATABASE_URL: db.url,
        AMQP_URL: vhost.url,
        JWT_SECRET: randomBytes(32).toString('base64url'),
        HTTP_PORT: String(ports.gateway),
        AUTH_HTTP_PORT: String(ports.auth),
        ROOM_HTTP_PORT: String(ports.room),
        HISTORY_HTTP_PORT: String(ports.history),
        ARGON2_MEMORY_KIB: '1024',
        ARGON2_ITERATIONS: '1',
        LOG_LEVEL: 'warn',
        WELCOME_BOT_ENABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    launcher.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 60_000;
    while (!output.includes('Happy Chat is running at')) {
      if (launcher.exitCode !== null || Date.now() > deadline)
        throw new Error(`launcher did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 90_000);

  afterAll(async () => {
    if (launcher && launcher.exitCode === null) launcher.kill('SIGKILL');
    await Promise.all([db?.drop(), vhost?.drop()]);
  });

  it('prints the URL and serves the web client there', async () => {
    expect(output).toContain(`http://127.0.0.1:${ports.gateway}`);
    const res = await fetch(`http://127.0.0.1:${ports.gateway}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('<div id="root">');
  });

  it('every service answers health and metrics', async () => {
    for (const port of Object.values(ports)) {
      expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain(
        'process_cpu_user_seconds_total',
      );
    }
  });

  it('carries a message through the four processes', async () => {
    const base = `http://127.0.0.1:${ports.gateway}`;
    const user = await registerUser(base, '행복이');
    const room = await api<{ id: string }>(base, 'POST', '/api/v1/rooms', {
      token: user.token,
      body: { name: 'launch' },
    });
    const ws = await TestSocket.connect(`ws://127.0.0.1:${ports.gateway}/ws`, user.token);
    const ack = await ws.request({
      type: 'message.send',
      roomId: room.body.id,
      clientMsgId: 'l-1',
      content: '됐다 🎉',
    });
    expect(ack).toMatchObject({ type: 'message.ack', message: { seq: 1, content: '됐다 🎉' } });
    await ws.close();
  });

  it('runs the example welcome bot: added to a room, it greets a newcomer and answers !ping', async () => {
    const base = `http://127.0.0.1:${ports.gateway}`;
    const owner = await registerUser(base, 'botowner');
    const newcomer = await registerUser(base, 'newcomer', 'Newcomer 🌱');
    const roomId = await createRoomWith(base, owner, [], 'with the welcome bot');
    const dir = await api<{ integrations: Array<{ id: string; name: string }> }>(
      base,
      'GET',
      '/api/v1/integrations',
      {
        token: owner.token,
      },
    );
    const bot = dir.body.integrations.find((i) => i.name === 'Welcome bot');
    expect(bot).toBeDefined();
    const added = await api(base, 'POST', `/api/v1/rooms/${roomId}/integrations`, {
      token: owner.token,
      body: { integrationId: bot?.id },
    });
    expect(added.status).toBe(201);
    const link = await api<{ token: string }>(base, 'POST', `/api/v1/rooms/${roomId}/invite-links`, {
      token: owner.token,
      body: {},
    });
    await api(base, 'POST', `/api/v1/rooms/${roomId}/join`, {
      token: newcomer.token,
      body: { inviteToken: link.body.token },
    });
    const fromBot = async (): Promise<string[]> => {
      const page = await api<{ messages: Array<{ senderId: string; content: string }> }>(
        base,
        'GET',
        `/api/v1/rooms/${roomId}/messages`,
        { token: owner.token },
      );
      return page.body.messages.filter((m) => m.senderId === bot?.id).map((m) => m.content);
    };
    const greeting = await eventually(async () => {
      const said = await fromBot();
      if (!said.some((c) => c.includes('Newcomer 🌱')))
        throw new Error(`no greeting yet: ${JSON.stringify(said)}`);
      return said;
    }, 15_000);
    expect(greeting.find((c) => c.includes('Newcomer 🌱'))).toMatch(/^Welcome, Newcomer 🌱!/);
    await sendHttp(base, owner, roomId, '!ping', 'ping-1');
    await eventually(async () => {
      const said = await fromBot();
      if (!said.includes('pong 🏓')) throw new Error(`no pong yet: ${JSON.stringify(said)}`);
      return true;
    }, 15_000);
    expect(output).toContain('welcome-bot');
  }, 45_000);

  it('stops every service cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((r) => launcher.once('exit', (code) => r(code)));
    launcher.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(false);
  }, 30_000);
});

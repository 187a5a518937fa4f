import { WsCloseCodes } from '@app/contracts';
import { registerUser, TestUser } from '../support/http';
import { eventually } from '../support/infra';
import { startSystem, RunningSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';

const INTERVAL_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Heartbeats through the public WebSocket: a socket the server has heard from within half an
 * interval is left alone, a quieter one is pinged, and one that stops answering is closed with 4000.
 */
describe('heartbeat', () => {
  let sys: RunningSystem;
  let user: TestUser;
  const sockets: TestSocket[] = [];

  const connect = async (options?: { autoPong: boolean }) => {
    const s = await TestSocket.connect(sys.wsUrl, user.token, undefined, options);
    sockets.push(s);
    let pings = 0;
    s.ws.on('ping', () => pings++);
    return { socket: s, pings: () => pings };
  };

  beforeAll(async () => {
    sys = await startSystem({ WS_HEARTBEAT_INTERVAL_MS: String(INTERVAL_MS) });
    user = await registerUser(sys.baseUrl, 'beat');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close().catch(() => undefined)));
    await sys?.stop();
  });

  it('tells the client the interval, and never pings a client it hears from every quarter interval', async () => {
    const { socket, pings } = await connect();
    expect(socket.frames[0]).toMatchObject({ type: 'hello', heartbeatIntervalMs: INTERVAL_MS });
    for (let i = 0; i < 16; i++) {
      await socket.request({ type: 'ping' });
      await sleep(INTERVAL_MS / 4);
    }
    expect(pings()).toBe(0);
    expect(socket.closed).toBeUndefined();
  });

  it('pings a silent client and keeps it while it answers', async () => {
    const { socket, pings } = await connect();
    await sleep(INTERVAL_MS * 4);
    expect(pings()).toBeGreaterThanOrEqual(2);
    expect(socket.closed).toBeUndefined();
    const pong = await socket.request({ type: 'ping' });
    expect(pong.type).toBe('pong');
  });

  it('closes a client that answers nothing with 4000 after two intervals, by about three', async () => {
    const { socket, pings } = await connect({ autoPong: false });
    const connectedAt = Date.now();
    await eventually(() => socket.closed !== undefined, INTERVAL_MS * 5);
    expect(socket.closed?.code).toBe(WsCloseCodes.HEARTBEAT_TIMEOUT);
    const after = Date.now() - connectedAt;
    expect(after).toBeGreaterThanOrEqual(INTERVAL_MS * 2 - 100);
    // Checks come once per interval; the rest is slack for a busy machine.
    expect(after).toBeLessThan(INTERVAL_MS * 4);
    expect(pings()).toBeGreaterThanOrEqual(1);
  });
});

import { Exchanges, Headers, RoutingKeys } from '@app/contracts';
import { decodeRoomFanout } from '@app/messaging';
import { api, registerUser, TestUser } from './support/http';
import { eventually } from './support/infra';
import { createRoomWith } from './support/rooms';
import { connectRpc } from './support/rpc';
import { startSystem, RunningSystem } from './support/system';
import { TestSocket } from './support/ws-client';

/** One id follows a request across HTTP and AMQP hops; every service exposes its metrics. */
describe('observability: correlation ids and metrics', () => {
  let sys: RunningSystem;
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;

  beforeAll(async () => {
    sys = await startSystem();
    [alice, bob] = await Promise.all(['alice', 'bob'].map((n) => registerUser(sys.baseUrl, n)));
    roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'traced');
  }, 60_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('carries the X-Request-Id from HTTP through room and history into the published event', async () => {
    const client = await connectRpc(sys.vhost.url);
    const ch = await client.amqp.createChannel();
    try {
      const { queue } = await ch.assertQueue('', { exclusive: true });
      // What a gateway hears: the room's events, several to a message, with their requests' ids.
      await ch.bindQueue(queue, Exchanges.ROOM_FANOUT, RoutingKeys.roomFanout(roomId));
      const seen: Array<{ type: string; correlationIds: string[] }> = [];
      await ch.consume(
        queue,
        (m) => {
          if (!m) return;
          const correlationIds = (m.properties.headers?.[Headers.CORRELATION_IDS] ?? []) as string[];
          for (const { raw } of decodeRoomFanout(m.content).items)
            seen.push({ type: (JSON.parse(raw.toString()) as { type: string }).type, correlationIds });
        },
        { noAck: true },
      );
      const res = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/messages`, {
        token: alice.token,
        body: { clientMsgId: 'traced-1', content: 'follow me' },
        headers: { 'x-request-id': 'req-abc-123' },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-request-id')).toBe('req-abc-123');
      const event = await eventually(() => seen.find((e) => e.type === 'message.created'));
      expect(event?.correlationIds).toContain('req-abc-123');
      const generated = await api(sys.baseUrl, 'GET', '/api/v1/rooms', {
        token: alice.token,
        headers: { 'x-request-id': 'not {an} id' },
      });
      expect(generated.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{8,}$/);
    } finally {
      await ch.close();
      await client.close();
    }
  });

  it('every service exposes command, RPC, queue and broker metrics; the gateway also HTTP and frame metrics', async () => {
    const ws = await TestSocket.connect(sys.wsUrl, bob.token);
    await ws.request({ type: 'ping' });
    await ws.close();
    const scrape = async (app: keyof RunningSystem['apps']) =>
      fetch(`${(await sys.apps[app].getUrl()).replace('[::1]', '127.0.0.1')}/metrics`).then((r) => r.text());
    for (const app of ['auth', 'room', 'history'] as const) {
      const text = await scrape(app);
      expect(text).toMatch(/happychat_commands_total\{command="[a-z.]+",outcome="ok"\} \d+/);
      expect(text).toMatch(/happychat_command_seconds_bucket/);
      expect(text).toMatch(
        /happychat_queue_depth\{queue="happychat\.[a-z]+\.commands",what="consumers"\} [1-9]/,
      );
      expect(text).toMatch(/happychat_broker_connected 1/);
    }
    // The message sent above went gateway -> room (message.send) -> history (history.append).
    expect(await scrape('room')).toMatch(
      /happychat_command_batch_items_count\{command="message.send"\} [1-9]/,
    );
    expect(await scrape('history')).toMatch(
      /happychat_command_batch_items_count\{command="history.append"\} [1-9]/,
    );
    const gw = await scrape('gateway');
    expect(gw).toMatch(
      /happychat_http_request_seconds_count\{method="POST",route="\/api\/v1\/rooms\/:roomId\/messages",status="201"\} 1/,
    );
    expect(gw).toMatch(/happychat_rpc_seconds_count\{command="message.send",outcome="ok"\} \d+/);
    expect(gw).toMatch(/happychat_gateway_frames_total\{type="ping"\} \d+/);
    expect(gw).toMatch(/happychat_gateway_closes_total\{code="1000"\} \d+/);
  });
});

import { registerUser, TestUser } from '../support/http';
import { createRoomWith, sendHttp } from '../support/rooms';
import { startSystem, RunningSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';

/**
 * A client that stops reading must not grow the gateway's memory without bound: once its unsent
 * data passes WS_MAX_BUFFERED_BYTES it is closed with 4002 (reconnect and resync), while a
 * healthy member of the same room keeps receiving everything.
 */
describe('backpressure: a slow consumer is cut off, others are unaffected', () => {
  let sys: RunningSystem;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;

  beforeAll(async () => {
    sys = await startSystem({ WS_MAX_BUFFERED_BYTES: String(256 * 1024) });
    [alice, bob, carol] = await Promise.all(
      ['alice', 'bob', 'carol'].map((n) => registerUser(sys.baseUrl, n)),
    );
  }, 60_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('closes the stalled socket with 4002 and keeps delivering to the healthy one', async () => {
    const roomId = await createRoomWith(sys.baseUrl, alice, [bob, carol], 'firehose');
    const slow = await TestSocket.connect(sys.wsUrl, bob.token);
    const healthy = await TestSocket.connect(sys.wsUrl, carol.token);
    // Stop reading: the kernel buffers fill, then the server's per-socket buffer grows.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = 'x'.repeat(90_000);
    const sent: number[] = [];
    // ~14 MB: more than the loopback kernel buffers on both sides plus the gateway's bound.
    for (let i = 0; i < 160 && !slow.closed; i++) {
      sent.push((await sendHttp(sys.baseUrl, alice, roomId, `${i} ${big}`, `flood-${i}`)).seq);
    }
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await new Promise<void>((resolve) => (slow.closed ? resolve() : slow.ws.once('close', () => resolve())));
    expect(slow.closed?.code).toBe(4002);
    const last = sent[sent.length - 1];
    await healthy.waitFor(
      (f) => f.type === 'message.created' && (f.message as { seq: number }).seq === last,
      20_000,
    );
    expect(
      new Set(healthy.ofType('message.created').map((f) => (f.message as { seq: number }).seq)).size,
    ).toBe(sent.length);
    await healthy.close();
  }, 120_000);
});

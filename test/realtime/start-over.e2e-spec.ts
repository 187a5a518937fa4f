import { execFile } from 'node:child_process';
import type { Socket } from 'node:net';
import { promisify } from 'node:util';
import { ChannelModel, connect } from 'amqplib';
import { Commands } from '@app/contracts';
import { AmqpConnection } from '@app/messaging';
import { DeliveryService } from '../../apps/gateway/src/realtime/delivery.service';
import { registerUser, TestUser } from '../support/http';
import { closeBrokerConnection, eventually } from '../support/infra';
import { createRoomWith } from '../support/rooms';
import { connectRpc } from '../support/rpc';
import { startSystem, RunningSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';

const MAX_EVENTS = 20;

/**
 * A gateway that falls so far behind that its queue overflows loses events, and one of them may
 * be the `user.membership.removed` of a kick. It must notice, forget what it knew and have every
 * socket reconnect and resync, instead of going on with a membership cache it can no longer trust.
 * Losing its broker connection (and the events published meanwhile) is handled the same way.
 */
describe('a gateway that lost events starts over', () => {
  let sys: RunningSystem;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let broker: ChannelModel;
  let client: Awaited<ReturnType<typeof connectRpc>>;

  beforeAll(async () => {
    sys = await startSystem({ GATEWAY_QUEUE_MAX_EVENTS: String(MAX_EVENTS) });
    [alice, bob, carol] = await Promise.all(
      ['alice', 'bob', 'carol'].map((n) => registerUser(sys.baseUrl, n)),
    );
    broker = await connect(sys.vhost.url);
    client = await connectRpc(sys.vhost.url);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await broker?.close();
    await sys?.stop();
  });

  /**
   * Stops the gateway reading its broker socket, as a gateway stuck on its CPU would: the kernel
   * buffers fill, then RabbitMQ keeps the events in the queue. (amqplib reads on 'readable', which
   * `pause()` does not stop; the handle's readStop does.)
   */
  const stallGateway = (): { resume(): void } => {
    const socket = (
      sys.apps.gateway.get(AmqpConnection) as unknown as { model: { connection: { stream: Socket } } }
    ).model.connection.stream;
    const handle = (socket as unknown as { _handle: { readStop(): number; readStart(): number } })._handle;
    handle.readStop();
    return { resume: () => handle.readStart() };
  };

  /** Alice says something in the room, through the room service as the gateway would ask it. */
  const aliceSays = async (roomId: string, clientMsgId: string, content: string): Promise<number> => {
    const { message } = await client.rpc.request(Commands.MESSAGE_SEND, {
      actorId: alice.id,
      roomId,
      clientMsgId,
      kind: 'text',
      content,
    });
    return message.seq;
  };
  const receives = (ws: TestSocket, seq: number) =>
    ws.waitFor((f) => f.type === 'message.created' && (f.message as { seq: number }).seq === seq);

  it('a kicked member gets nothing said after the kick, though the kick itself was dropped', async () => {
    const roomId = await createRoomWith(sys.baseUrl, alice, [bob, carol], 'overflow');
    const bobWs = await TestSocket.connect(sys.wsUrl, bob.token);
    const carolWs = await TestSocket.connect(sys.wsUrl, carol.token);
    const ch = await broker.createConfirmChannel();
    // Straight into the gateway's queue, under a key that names no room or user: the gateway
    // delivers them to no one, they only take room.
    const queue = sys.apps.gateway.get(DeliveryService).queue;
    const flood = async (count: number, bytes: number) => {
      const body = Buffer.alloc(bytes, 'x');
      for (let i = 0; i < count; i++) ch.sendToQueue(queue, body);
      await ch.waitForConfirms();
    };

    // Bob's device stops reading too (a phone on a dead network): it will not answer the
    // gateway's close, so the gateway still counts it as connected when Bob comes back.
    const bobSocket = (bobWs.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    bobSocket.pause();
    const stalled = stallGateway();
    try {
      // Enough to fill the socket buffers between RabbitMQ and the gateway.
      await flood(2000, 8 * 1024);
      await client.rpc.request(Commands.MODERATION_KICK, {
        actorId: alice.id,
        roomId,
        userId: bob.id,
      });
      // The kick's removal is now in the queue; these push it out of the head.
      await flood(MAX_EVENTS * 2, 16);
      expect(await aliceSays(roomId, 'after-the-kick', 'Bob must not see this')).toBeGreaterThan(0);
    } finally {
      stalled.resume();
      await ch.close();
    }

    await eventually(() => carolWs.closed, 20_000);
    expect(carolWs.closed).toEqual({ code: 1001, reason: 'events lost: resync' });
    const metrics = await (await fetch(`${sys.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/happychat_gateway_start_overs_total\{reason="events_lost"\} 1\b/);

    // Both come back; the rooms are loaded again from the room service, not from the cache,
    // though Bob's old socket has not finished closing.
    const bobAgain = await TestSocket.connect(sys.wsUrl, bob.token);
    const carolAgain = await TestSocket.connect(sys.wsUrl, carol.token);
    await receives(carolAgain, await aliceSays(roomId, 'after-the-start-over', 'only Carol'));
    await new Promise((r) => setTimeout(r, 300));
    expect(bobAgain.ofType('message.created')).toEqual([]);

    // What the gateway sent Bob's old socket before closing it: nothing said after the kick.
    bobSocket.resume();
    await eventually(() => bobWs.closed, 10_000);
    expect(bobWs.closed?.code).toBe(1001);
    expect(
      bobWs.ofType('message.created').map((f) => (f.message as { clientMsgId: string }).clientMsgId),
    ).not.toContain('after-the-kick');
    await Promise.all([bobAgain.close(), carolAgain.close()]);
  }, 90_000);

  it('a gateway that lost its broker connection starts over the same way, and delivers again', async () => {
    const roomId = await createRoomWith(sys.baseUrl, alice, [carol], 'reconnect');
    const carolWs = await TestSocket.connect(sys.wsUrl, carol.token);
    await closeBrokerConnection(sys.vhost.name, 'gateway-', 'test: broker-side failure');

    await eventually(() => carolWs.closed, 15_000);
    expect(carolWs.closed).toEqual({ code: 1001, reason: 'broker reconnected: resync' });
    const metrics = await (await fetch(`${sys.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/happychat_gateway_start_overs_total\{reason="broker_reconnected"\} 1\b/);

    const again = await eventually(() => TestSocket.connect(sys.wsUrl, carol.token), 15_000, 250);
    await receives(again, await aliceSays(roomId, 'after-the-reconnect', 'still here'));
    await again.close();
  }, 60_000);

  it('a gateway whose queue is deleted under it (by an operator) reconnects and starts over too', async () => {
    const roomId = await createRoomWith(sys.baseUrl, alice, [carol], 'queue deleted');
    const carolWs = await TestSocket.connect(sys.wsUrl, carol.token);
    const queue = sys.apps.gateway.get(DeliveryService).queue;
    // The connection stays up; only the consumer is cancelled by the broker.
    await promisify(execFile)('rabbitmqctl', ['-q', 'delete_queue', '-p', sys.vhost.name, queue]);

    await eventually(() => carolWs.closed, 15_000);
    expect(carolWs.closed).toEqual({ code: 1001, reason: 'broker reconnected: resync' });
    const again = await eventually(() => TestSocket.connect(sys.wsUrl, carol.token), 15_000, 250);
    await receives(again, await aliceSays(roomId, 'after-the-deletion', 'delivered again'));
    await again.close();
  }, 60_000);
});

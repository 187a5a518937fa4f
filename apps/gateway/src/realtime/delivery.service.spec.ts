import { ConsumeMessage } from 'amqplib';
import { Events, Exchanges, RoutingKeys } from '@app/contracts';
import { Metrics } from '@app/common';
import { AmqpConnection, RpcClient, encodeRoomFanout } from '@app/messaging';
import { GatewayConfig } from '../gateway.config';
import { ClientConnection } from './client-connection';
import { DeliveryService } from './delivery.service';
import { LocalDirectory } from './local-directory';

const ROOM_A = '01900000-0000-7000-8000-00000000000a';
const ROOM_B = '01900000-0000-7000-8000-00000000000b';
const BOB = '01900000-0000-7000-8000-0000000000b0';
const CAROL = '01900000-0000-7000-8000-0000000000c0';

type Deferred = { promise: Promise<void>; resolve(): void; reject(err: Error): void };
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
const settle = () => new Promise((r) => setImmediate(r));

/**
 * The order in which the gateway hands events out while it binds a room it did not hear: the
 * broker is a stub here so a bind can be held open; the e2e suites run it on RabbitMQ.
 */
describe('DeliveryService: binding a room someone here just joined', () => {
  let delivery: DeliveryService;
  let directory: LocalDirectory;
  let deliver: (msg: ConsumeMessage) => void;
  /** Binds that are still in flight, by routing key; the test decides how each ends. */
  let pendingBinds: Map<string, Deferred>;
  let bound: string[];
  let unbound: string[];
  let memberships: Record<string, string[]>;
  let queues: Map<string, Record<string, unknown>>;

  const message = (key: string, event: Record<string, unknown>): ConsumeMessage =>
    ({
      fields: { exchange: Exchanges.USER_EVENTS, routingKey: key },
      content: Buffer.from(JSON.stringify(event)),
    }) as ConsumeMessage;
  const said = (roomId: string, text: string) =>
    ({
      fields: { exchange: Exchanges.ROOM_FANOUT, routingKey: RoutingKeys.roomFanout(roomId) },
      content: encodeRoomFanout([
        {
          roomId,
          json: JSON.stringify({ type: Events.MESSAGE_CREATED, message: { roomId, content: text } }),
        },
      ]),
    }) as ConsumeMessage;
  const added = (userId: string, roomId: string) =>
    message(RoutingKeys.userEvent(userId), {
      type: Events.USER_MEMBERSHIP_ADDED,
      occurredAt: new Date().toISOString(),
      userId,
      room: { id: roomId },
    });
  const removed = (userId: string, roomId: string) =>
    message(RoutingKeys.userEvent(userId), {
      type: Events.USER_MEMBERSHIP_REMOVED,
      userId,
      roomId,
      reason: 'kicked',
    });

  function socketOf(userId: string): { conn: ClientConnection; got: string[]; closed: string[] } {
    const got: string[] = [];
    const closed: string[] = [];
    const conn = {
      id: `${userId}-1`,
      userId,
      sendRaw: (raw: Buffer) => {
        const e = JSON.parse(raw.toString()) as { type: string; message?: { content: string } };
        got.push(e.message ? `${e.type} ${e.message.content}` : e.type);
      },
      close: (_code: number, reason: string) => closed.push(reason),
    } as unknown as ClientConnection;
    directory.addConnection(conn);
    return { conn, got, closed };
  }

  beforeEach(async () => {
    pendingBinds = new Map();
    queues = new Map();
    bound = [];
    unbound = [];
    memberships = { [BOB]: [ROOM_B] };
    const topology = {
      on: () => undefined,
      bindQueue: (_q: string, exchange: string, key: string) => {
        if (exchange === Exchanges.ROOM_FANOUT && pendingBinds.has(key)) {
          return pendingBinds.get(key)!.promise.then(() => void bound.push(key));
        }
        bound.push(key);
        return Promise.resolve();
      },
      unbindQueue: async (_q: string, _exchange: string, key: string) => void unbound.push(key),
    };
    const consumer = {
      assertQueue: async (queue: string, options: { arguments?: Record<string, unknown> }) =>
        void queues.set(queue, options.arguments ?? {}),
      consume: async (queue: string, fn: (m: ConsumeMessage) => void) => {
        if (!queue.endsWith('.lost')) deliver = fn;
      },
    };
    let setup!: (model: unknown) => Promise<void>;
    const amqp = {
      onConnect: async (fn: (model: unknown) => Promise<void>) => void (setup = fn),
      setupChannel: async () => consumer,
      waitForConnection: async () => undefined,
      createChannel: async () => topology,
    } as unknown as AmqpConnection;
    const rpc = {
      request: async (_cmd: string, { userId }: { userId: string }) => ({
        roomIds: memberships[userId] ?? [],
      }),
    } as unknown as RpcClient;
    directory = new LocalDirectory();
    delivery = new DeliveryService(
      {
        GATEWAY_INSTANCE_ID: 'gw-spec',
        GATEWAY_QUEUE_MAX_EVENTS: 1000,
        GATEWAY_QUEUE_MAX_BYTES: 1 << 20,
      } as GatewayConfig,
      amqp,
      rpc,
      directory,
      new Metrics(),
    );
    await delivery.onModuleInit();
    await setup({});
  });

  it('hands a receipt that names its audience to those members only; one without, to everyone here', async () => {
    memberships = { [BOB]: [ROOM_B], [CAROL]: [ROOM_B] };
    const bob = socketOf(BOB);
    const carol = socketOf(CAROL);
    await delivery.ensureAttached(BOB);
    await delivery.ensureAttached(CAROL);
    const receipt = (fields: Record<string, unknown>) =>
      ({
        fields: { exchange: Exchanges.ROOM_FANOUT, routingKey: RoutingKeys.roomFanout(ROOM_B) },
        content: encodeRoomFanout([{ roomId: ROOM_B, json: JSON.stringify(fields) }]),
      }) as ConsumeMessage;
    const DAN = '01900000-0000-7000-8000-0000000000d0';
    deliver(receipt({ type: Events.ROOM_MEMBER_READ, audience: [CAROL, DAN], userId: DAN, lastReadSeq: 3 }));
    deliver(receipt({ type: Events.ROOM_MEMBER_READ, audience: [], userId: DAN, lastReadSeq: 4 }));
    deliver(receipt({ type: Events.ROOM_MEMBER_READ, userId: DAN, lastReadSeq: 60 }));
    // Not a member here (a stale audience) gets nothing either.
    deliver(
      receipt({ type: Events.ROOM_MEMBER_READ, audience: ['someone-else'], userId: DAN, lastReadSeq: 61 }),
    );
    await settle();
    expect(bob.got).toEqual([Events.ROOM_MEMBER_READ]);
    expect(carol.got).toEqual([Events.ROOM_MEMBER_READ, Events.ROOM_MEMBER_READ]);
  });

  it('holds the join and everything behind it until the room is bound, then hands them out in order', async () => {
    const bob = socketOf(BOB);
    await delivery.ensureAttached(BOB);
    expect(bound).toEqual([RoutingKeys.userEvent(BOB), RoutingKeys.roomFanout(ROOM_B)]);

    const bind = deferred();
    pendingBinds.set(RoutingKeys.roomFanout(ROOM_A), bind);
    deliver(added(BOB, ROOM_A));
    deliver(said(ROOM_B, 'in B, behind the join'));
    deliver(said(ROOM_A, 'in A, routed by the new binding'));
    await settle();
    expect(bob.got).toEqual([]);

    bind.resolve();
    await settle();
    expect(bob.got).toEqual([
      Events.USER_MEMBERSHIP_ADDED,
      `${Events.MESSAGE_CREATED} in B, behind the join`,
      `${Events.MESSAGE_CREATED} in A, routed by the new binding`,
    ]);
    deliver(said(ROOM_A, 'later'));
    expect(bob.got.at(-1)).toBe(`${Events.MESSAGE_CREATED} later`);
  });

  it('a second join while the first still binds waits its turn, and nothing overtakes either', async () => {
    const bob = socketOf(BOB);
    const carol = socketOf(CAROL);
    await delivery.ensureAttached(BOB);
    await delivery.ensureAttached(CAROL);
    const [bindA, bindC] = [deferred(), deferred()];
    const ROOM_C = '01900000-0000-7000-8000-00000000000c';
    pendingBinds.set(RoutingKeys.roomFanout(ROOM_A), bindA);
    pendingBinds.set(RoutingKeys.roomFanout(ROOM_C), bindC);
    deliver(added(BOB, ROOM_A));
    deliver(added(CAROL, ROOM_C));
    deliver(said(ROOM_B, 'one'));
    bindC.resolve();
    await settle();
    expect([bob.got, carol.got]).toEqual([[], []]);
    bindA.resolve();
    await settle();
    expect(bob.got).toEqual([Events.USER_MEMBERSHIP_ADDED, `${Events.MESSAGE_CREATED} one`]);
    expect(carol.got).toEqual([Events.USER_MEMBERSHIP_ADDED]);
  });

  it('a failed bind closes the joiner’s sockets to resync, and the others’ events still flow', async () => {
    const bob = socketOf(BOB);
    await delivery.ensureAttached(BOB);
    const bind = deferred();
    pendingBinds.set(RoutingKeys.roomFanout(ROOM_A), bind);
    deliver(added(BOB, ROOM_A));
    deliver(said(ROOM_B, 'after'));
    bind.reject(new Error('channel closed'));
    await settle();
    expect(bob.closed).toEqual(['temporarily unavailable: resync']);
    expect(bob.got).toEqual([`${Events.MESSAGE_CREATED} after`]);
  });

  it('after a removal, nothing more of the room is handed to that member, and the last one out unbinds it', async () => {
    const bob = socketOf(BOB);
    await delivery.ensureAttached(BOB);
    deliver(removed(BOB, ROOM_B));
    deliver(said(ROOM_B, 'after the kick'));
    await settle();
    expect(bob.got).toEqual([Events.USER_MEMBERSHIP_REMOVED]);
    expect(unbound).toEqual([RoutingKeys.roomFanout(ROOM_B)]);
  });

  it('a room stays bound while another user here is in it, and goes when their last socket does', async () => {
    memberships[CAROL] = [ROOM_B];
    const bob = socketOf(BOB);
    const carol = socketOf(CAROL);
    await delivery.ensureAttached(BOB);
    await delivery.ensureAttached(CAROL);
    expect(bound.filter((k) => k === RoutingKeys.roomFanout(ROOM_B))).toHaveLength(1);
    directory.removeConnection(bob.conn);
    await delivery.detachIfIdle(BOB);
    await settle();
    expect(unbound).toEqual([RoutingKeys.userEvent(BOB)]);
    directory.removeConnection(carol.conn);
    await delivery.detachIfIdle(CAROL);
    await settle();
    expect(unbound.sort()).toEqual(
      [RoutingKeys.userEvent(BOB), RoutingKeys.userEvent(CAROL), RoutingKeys.roomFanout(ROOM_B)].sort(),
    );
  });

  it('splits a message of several rooms and hands each event only to local members of its room', async () => {
    memberships[CAROL] = [ROOM_A];
    const bob = socketOf(BOB);
    const carol = socketOf(CAROL);
    await delivery.ensureAttached(BOB);
    await delivery.ensureAttached(CAROL);
    const ELSEWHERE = '01900000-0000-7000-8000-0000000000ee';
    const created = (roomId: string, text: string) => ({
      roomId,
      json: JSON.stringify({ type: Events.MESSAGE_CREATED, message: { roomId, content: text } }),
    });
    deliver({
      fields: { exchange: Exchanges.ROOM_FANOUT, routingKey: RoutingKeys.roomFanout(ROOM_B) },
      content: encodeRoomFanout([
        created(ROOM_B, 'b1'),
        created(ELSEWHERE, 'nobody here is in it'),
        created(ROOM_A, 'a1'),
        created(ROOM_B, 'b2'),
      ]),
    } as ConsumeMessage);
    expect(bob.got).toEqual([`${Events.MESSAGE_CREATED} b1`, `${Events.MESSAGE_CREATED} b2`]);
    expect(carol.got).toEqual([`${Events.MESSAGE_CREATED} a1`]);
  });

  it('bounds its queue by messages and by bytes, since one message can carry many events', () => {
    expect(queues.get('happychat.gateway.gw-spec')).toMatchObject({
      'x-max-length': 1000,
      'x-max-length-bytes': 1 << 20,
      'x-overflow': 'drop-head',
    });
  });
});

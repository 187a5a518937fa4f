import { INestApplication } from '@nestjs/common';
import { Channel } from 'amqplib';
import {
  Commands,
  CommonErrorCode,
  DomainEvent,
  gatewayQueue,
  RoomErrorCode,
  RoomView,
} from '@app/contracts';
import { uuidv7 } from '@app/common';
import { AmqpConnection, InboxBindings, RpcClient } from '@app/messaging';
import { createTestDatabase, createTestVhost, eventually, Isolated } from '../../../../test/support/infra';
import { connectRpc } from '../../../../test/support/rpc';
import { startRoomService } from '../index';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const quiet = () => new Promise((r) => setTimeout(r, 200));

/** A queue bound to one user's inbox, as a gateway would bind it for a connected user. */
interface Probe {
  events: DomainEvent[];
  types(): string[];
}

describe('room service: rooms (real PostgreSQL + RabbitMQ)', () => {
  let db: Isolated;
  let vhost: Isolated;
  let app: INestApplication;
  let client: { rpc: RpcClient; amqp: AmqpConnection; close(): Promise<void> };
  let rpc: RpcClient;
  let probeChannel: Channel;
  const inbox = () => new InboxBindings(client.amqp);

  async function probe(userId: string): Promise<Probe> {
    // Exclusive queues belong to their connection: declare and bind on the same one.
    const queue = gatewayQueue(`probe-${uuidv7()}`);
    await probeChannel.assertQueue(queue, { exclusive: true, autoDelete: true, durable: false });
    await inbox().attachQueue(queue, userId);
    const events: DomainEvent[] = [];
    await probeChannel.consume(
      queue,
      (m) => m && events.push(JSON.parse(m.content.toString('utf8')) as DomainEvent),
      {
        noAck: true,
      },
    );
    return { events, types: () => events.map((e) => e.type) };
  }

  async function createRoom(actorId: string, name = 'Lobby'): Promise<RoomView> {
    return rpc.request(Commands.ROOM_CREATE, {
      actorId,
      actorName: `user ${actorId.slice(-4)}`,
      kind: 'group',
      name,
    });
  }

  function join(actorId: string, roomId: string, actorName = `user ${actorId.slice(-4)}`): Promise<RoomView> {
    return rpc.request(Commands.ROOM_JOIN, { actorId, actorName, roomId });
  }

  beforeAll(async () => {
    [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
    app = await startRoomService({
      DATABASE_URL: db.url,
      AMQP_URL: vhost.url,
      HTTP_PORT: '0',
      ROOM_MEMBER_CAP: '2',
      LOG_LEVEL: 'warn',
    });
    client = await connectRpc(vhost.url);
    rpc = client.rpc;
    probeChannel = await client.amqp.createChannel();
  });

  afterAll(async () => {
    await probeChannel?.close().catch(() => undefined);
    await client?.close();
    await app?.close();
    await Promise.all([db?.drop(), vhost?.drop()]);
  });

  it('is ready once migrated and connected', async () => {
    const res = await fetch(`${await app.getUrl()}/health/ready`);
    expect(res.status).toBe(200);
    await expect(res.json()).resolves.toMatchObject({
      status: 'ok',
      checks: { database: 'up', broker: 'up' },
    });
  });

  it('creates a room with the creator as owner and tells the creator’s devices', async () => {
    const owner = uuidv7();
    const devices = await probe(owner);
    const room = await rpc.request(Commands.ROOM_CREATE, {
      actorId: owner,
      actorName: 'Olga',
      kind: 'group',
      name: '  Cafe\u0301 club ',
    });
    expect(room).toEqual({
      id: expect.any(String),
      kind: 'group',
      name: 'Café club',
      ownerId: owner,
      memberCount: 1,
      createdAt: expect.stringMatching(ISO),
      myRole: 'owner',
    });
    await eventually(() => devices.events.length >= 1);
    expect(devices.events).toEqual([
      {
        type: 'user.membership.added',
        v: 1,
        eventId: expect.any(String),
        occurredAt: expect.stringMatching(ISO),
        userId: owner,
        room,
      },
    ]);
  });

  it('announces a join to the joiner before any room event, then to the room', async () => {
    const [owner, bob] = [uuidv7(), uuidv7()];
    const room = await createRoom(owner);
    const [ownerDevices, bobDevices] = await Promise.all([probe(owner), probe(bob)]);

    const joined = await join(bob, room.id, 'Bob');
    expect(joined).toEqual({ ...room, memberCount: 2, myRole: 'member' });

    await eventually(() => bobDevices.events.length >= 2 && ownerDevices.events.length >= 1);
    await quiet();
    expect(bobDevices.types()).toEqual(['user.membership.added', 'room.member.joined']);
    expect(bobDevices.events[0]).toMatchObject({ userId: bob, room: joined });
    const joinedEvent = {
      type: 'room.member.joined',
      v: 1,
      eventId: expect.any(String),
      occurredAt: expect.stringMatching(ISO),
      roomId: room.id,
      userId: bob,
      displayName: 'Bob',
      role: 'member',
    };
    expect(bobDevices.events[1]).toEqual(joinedEvent);
    expect(ownerDevices.events).toEqual([joinedEvent]);
    expect(bobDevices.events[0].eventId).not.toBe(bobDevices.events[1].eventId);
  });

  it('answers a repeated join with the room unchanged and announces nothing', async () => {
    const [owner, bob] = [uuidv7(), uuidv7()];
    const room = await createRoom(owner);
    const first = await join(bob, room.id);
    const [ownerDevices, bobDevices] = await Promise.all([probe(owner), probe(bob)]);

    await expect(join(bob, room.id)).resolves.toEqual(first);
    await expect(join(owner, room.id)).resolves.toEqual({ ...first, myRole: 'owner' });
    await quiet();
    expect(ownerDevices.events).toEqual([]);
    expect(bobDevices.events).toEqual([]);
    const detail = await rpc.request(Commands.ROOM_GET, { actorId: owner, roomId: room.id });
    expect(detail.memberCount).toBe(2);
    expect(detail.members).toHaveLength(2);
  });

  it('refuses a join beyond ROOM_MEMBER_CAP, naming the cap', async () => {
    const [owner, bob, carol] = [uuidv7(), uuidv7(), uuidv7()];
    const room = await createRoom(owner);
    await join(bob, room.id);
    const carolDevices = await probe(carol);

    const refused = join(carol, room.id);
    await expect(refused).rejects.toMatchObject({
      code: RoomErrorCode.FULL,
      message: expect.stringContaining('2'),
    });
    const detail = await rpc.request(Commands.ROOM_GET, { actorId: owner, roomId: room.id });
    expect(detail.memberCount).toBe(2);
    expect(detail.members.map((m) => m.userId)).toEqual([owner, bob]);
    await expect(rpc.request(Commands.ROOM_GET, { actorId: carol, roomId: room.id })).rejects.toMatchObject({
      code: RoomErrorCode.NOT_MEMBER,
    });
    await quiet();
    expect(carolDevices.events).toEqual([]);
  });

  it('keeps the cap under concurrent joins', async () => {
    const owner = uuidv7();
    const room = await createRoom(owner);
    const joiners = Array.from({ length: 6 }, () => uuidv7());
    const outcomes = await Promise.allSettled(joiners.map((u) => join(u, room.id)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refusals = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refusals.map((o) => (o.reason as { code: string }).code)).toEqual(
      Array(5).fill(RoomErrorCode.FULL),
    );
    const detail = await rpc.request(Commands.ROOM_GET, { actorId: owner, roomId: room.id });
    expect(detail.memberCount).toBe(2);
    expect(detail.members).toHaveLength(2);
  });

  it('shows a room with its members to members only', async () => {
    const [owner, bob, stranger] = [uuidv7(), uuidv7(), uuidv7()];
    const room = await createRoom(owner, 'Detail');
    await join(bob, room.id, 'Bob');

    const detail = await rpc.request(Commands.ROOM_GET, { actorId: bob, roomId: room.id });
    expect(detail).toEqual({
      ...room,
      memberCount: 2,
      myRole: 'member',
      members: [
        { userId: owner, displayName: `user ${owner.slice(-4)}`, role: 'owner', joinedAt: room.createdAt },
        { userId: bob, displayName: 'Bob', role: 'member', joinedAt: expect.stringMatching(ISO) },
      ],
    });
    await expect(
      rpc.request(Commands.ROOM_GET, { actorId: stranger, roomId: room.id }),
    ).rejects.toMatchObject({
      code: RoomErrorCode.NOT_MEMBER,
    });
  });

  it('answers room.not_found for a room that does not exist', async () => {
    const [actor, missing] = [uuidv7(), uuidv7()];
    await expect(join(actor, missing)).rejects.toMatchObject({ code: RoomErrorCode.NOT_FOUND });
    await expect(rpc.request(Commands.ROOM_GET, { actorId: actor, roomId: missing })).rejects.toMatchObject({
      code: RoomErrorCode.NOT_FOUND,
    });
  });

  it('lists the actor’s rooms, most recently joined first, and their ids for the gateway', async () => {
    const [me, other] = [uuidv7(), uuidv7()];
    const mine = await createRoom(me, 'Mine');
    const theirs = await createRoom(other, 'Theirs');
    await join(me, theirs.id);
    await createRoom(other, 'Not mine');

    const { rooms } = await rpc.request(Commands.ROOM_LIST, { actorId: me });
    expect(rooms).toEqual([
      { ...theirs, memberCount: 2, myRole: 'member' },
      { ...mine, myRole: 'owner' },
    ]);
    const { roomIds } = await rpc.request(Commands.ROOM_MEMBERSHIPS_LIST, { userId: me });
    expect([...roomIds].sort()).toEqual([mine.id, theirs.id].sort());
    await expect(rpc.request(Commands.ROOM_LIST, { actorId: uuidv7() })).resolves.toEqual({ rooms: [] });
    await expect(rpc.request(Commands.ROOM_MEMBERSHIPS_LIST, { userId: uuidv7() })).resolves.toEqual({
      roomIds: [],
    });
  });

  it.each([
    ['a blank name', { name: '   ' }, 'name'],
    ['a 101-character name', { name: 'x'.repeat(101) }, 'name'],
    ['a kind other than group', { kind: 'direct' as 'group' }, 'kind'],
    ['a non-uuid actor', { actorId: 'me' }, 'actorId'],
  ])('refuses room.create with %s', async (_what, patch, field) => {
    const call = rpc.request(Commands.ROOM_CREATE, {
      actorId: uuidv7(),
      actorName: 'A',
      kind: 'group',
      name: 'ok',
      ...patch,
    });
    await expect(call).rejects.toMatchObject({
      code: CommonErrorCode.VALIDATION_FAILED,
      details: expect.arrayContaining([expect.objectContaining({ field })]),
    });
  });

  it('refuses a join, a get and a list with a non-uuid id', async () => {
    const actorId = uuidv7();
    const invalid = { code: CommonErrorCode.VALIDATION_FAILED };
    await expect(join(actorId, 'not-a-uuid')).rejects.toMatchObject(invalid);
    await expect(rpc.request(Commands.ROOM_GET, { actorId, roomId: 'not-a-uuid' })).rejects.toMatchObject(
      invalid,
    );
    await expect(rpc.request(Commands.ROOM_LIST, { actorId: 'nope' })).rejects.toMatchObject(invalid);
    await expect(rpc.request(Commands.ROOM_MEMBERSHIPS_LIST, { userId: 'nope' })).rejects.toMatchObject(
      invalid,
    );
  });
});

import { Commands, RoomErrorCode, RoomView } from '@app/contracts';
import { uuidv7 } from '@app/common';
import { ISO, RoomKit } from '../../../../test/rooms/room-kit';
import { RoomsRepository } from '../rooms/rooms.repository';
import { RoomsService } from '../rooms/rooms.service';

describe('room service: topic rooms (real PostgreSQL + RabbitMQ)', () => {
  const kit = new RoomKit();
  const rpc = () => kit.rpc;
  const admin = uuidv7();

  beforeAll(() => kit.start(), 60_000);
  afterAll(() => kit.stop());

  function createTopic(
    name: string,
    extra: { memberCap?: number; description?: string } = {},
  ): Promise<RoomView> {
    return rpc().request(Commands.TOPIC_CREATE, {
      actorId: admin,
      actorName: 'Site admin',
      actorRole: 'admin',
      name,
      ...extra,
    });
  }

  it('only site admins create topic rooms; the default cap is TOPIC_ROOM_MEMBER_CAP', async () => {
    for (const actorRole of [undefined, 'user', 'guest'] as const) {
      await expect(
        rpc().request(Commands.TOPIC_CREATE, { actorId: uuidv7(), actorName: 'x', actorRole, name: 'Mine' }),
      ).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    }
    const topic = await createTopic('  Hiking ', { description: 'Weekend trails' });
    expect(topic).toMatchObject({
      kind: 'topic',
      name: 'Hiking',
      description: 'Weekend trails',
      memberCap: 20,
      memberCount: 1,
      myRole: 'owner',
    });
  });

  it('lets anyone join, guests too, and refuses the 21st member of a 20-cap room with a clear error', async () => {
    const topic = await createTopic('Full house');
    const joiners = Array.from({ length: 19 }, () => uuidv7());
    for (const [i, u] of joiners.entries())
      await kit.join(u, topic.id, { actorRole: i % 2 ? 'guest' : 'user' });
    const late = uuidv7();
    await expect(kit.join(late, topic.id, { actorRole: 'guest' })).rejects.toMatchObject({
      code: RoomErrorCode.FULL,
      message: 'Room is full (at most 20 members)',
    });
    const detail = await rpc().request(Commands.ROOM_GET, { actorId: admin, roomId: topic.id });
    expect(detail.memberCount).toBe(20);
    // Someone leaves: there is room again.
    await rpc().request(Commands.ROOM_LEAVE, { actorId: joiners[0], roomId: topic.id });
    await expect(kit.join(late, topic.id, { actorRole: 'guest' })).resolves.toMatchObject({
      memberCount: 20,
    });
  });

  it('takes a per-room cap', async () => {
    const topic = await createTopic('Tiny', { memberCap: 2 });
    await kit.join(uuidv7(), topic.id);
    await expect(kit.join(uuidv7(), topic.id)).rejects.toMatchObject({ code: RoomErrorCode.FULL });
  });

  it('shows a chosen alias instead of the name, for that room only', async () => {
    const topic = await createTopic('Anonymous corner');
    const me = uuidv7();
    const devices = await kit.probe(admin);
    await kit.join(me, topic.id, { actorName: 'Real Name', alias: ' 익명의 고양이 ' });
    await devices.waitFor((e) => e.type === 'room.member.joined' && e.userId === me);
    const detail = await rpc().request(Commands.ROOM_GET, { actorId: me, roomId: topic.id });
    expect(detail.members.find((m) => m.userId === me)).toEqual({
      userId: me,
      displayName: '익명의 고양이',
      role: 'member',
      joinedAt: expect.stringMatching(ISO),
      anonymous: true,
    });
    expect(JSON.stringify(detail)).not.toContain('Real Name');
    expect(JSON.stringify(devices.events)).not.toContain('Real Name');
    expect(devices.events.find((e) => e.type === 'room.member.joined')).toMatchObject({
      displayName: '익명의 고양이',
    });
    // Aliases are a topic-room thing.
    const group = await kit.createRoom(admin);
    const link = await kit.link(admin, group.id);
    await expect(kit.join(uuidv7(), group.id, { inviteToken: link.token, alias: 'x' })).rejects.toMatchObject(
      {
        code: 'common.validation_failed',
      },
    );
  });

  it('lists topic rooms in a directory with member counts and last activity, busiest recent first', async () => {
    const quietRoom = await createTopic('Directory quiet');
    const busy = await createTopic('Directory busy');
    const poster = uuidv7();
    await kit.join(poster, busy.id);
    await kit.app.get(RoomsService).assertCanPost(poster, busy.id);
    const { rooms } = await rpc().request(Commands.TOPIC_DIRECTORY, {
      actorId: uuidv7(),
      query: 'directory',
    });
    expect(rooms.map((r) => r.name)).toEqual(['Directory busy', 'Directory quiet']);
    expect(rooms[0]).toMatchObject({
      id: busy.id,
      memberCount: 2,
      lastActivityAt: expect.stringMatching(ISO),
    });
    expect(rooms[1]).toMatchObject({ id: quietRoom.id, memberCount: 1 });
    expect(rooms[1].lastActivityAt).toBeUndefined();
    expect(rooms[0].myRole).toBeUndefined();
    // Group rooms are not listed.
    await kit.createRoom(uuidv7(), 'Directory private group');
    const again = await rpc().request(Commands.TOPIC_DIRECTORY, { actorId: uuidv7(), query: 'DIRECTORY' });
    expect(again.rooms).toHaveLength(2);
    await expect(rpc().request(Commands.TOPIC_DIRECTORY, { actorId: uuidv7(), query: '%' })).resolves.toEqual(
      {
        rooms: [],
      },
    );
  });

  it('writes a busy topic room’s last activity once per few seconds, not once per message', async () => {
    const topic = await createTopic('Chatty');
    const poster = uuidv7();
    await kit.join(poster, topic.id);
    const touch = jest.spyOn(kit.app.get(RoomsRepository), 'touchActivity');
    try {
      for (let i = 0; i < 3; i++) await kit.app.get(RoomsService).assertCanPost(poster, topic.id);
      expect(touch.mock.calls.filter(([roomId]) => roomId === topic.id)).toHaveLength(1);
    } finally {
      touch.mockRestore();
    }
  });

  it('takes proposals from registered users; admins approve (creating the room) or reject with a reason', async () => {
    const [alice, bob] = [uuidv7(), uuidv7()];
    const aliceDevices = await kit.probe(alice);
    await expect(
      rpc().request(Commands.TOPIC_PROPOSE, {
        actorId: uuidv7(),
        actorName: 'g',
        actorRole: 'guest',
        name: 'Cats',
      }),
    ).rejects.toMatchObject({ code: RoomErrorCode.GUESTS_NOT_ALLOWED });
    const cats = await rpc().request(Commands.TOPIC_PROPOSE, {
      actorId: alice,
      actorName: 'Alice',
      name: 'Cats',
      description: 'Photos welcome',
    });
    expect(cats).toMatchObject({ name: 'Cats', proposerId: alice, proposerName: 'Alice', status: 'pending' });
    const dogs = await rpc().request(Commands.TOPIC_PROPOSE, {
      actorId: bob,
      actorName: 'Bob',
      name: 'Dogs',
    });

    // A non-admin cannot decide.
    await expect(
      rpc().request(Commands.TOPIC_PROPOSAL_APPROVE, {
        actorId: bob,
        actorName: 'Bob',
        actorRole: 'user',
        proposalId: cats.id,
      }),
    ).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    await expect(
      rpc().request(Commands.TOPIC_PROPOSAL_REJECT, { actorId: bob, proposalId: dogs.id, reason: 'no' }),
    ).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });

    // Users see their own proposals; admins see all.
    const mine = await rpc().request(Commands.TOPIC_PROPOSALS_LIST, { actorId: alice });
    expect(mine.proposals.map((p) => p.id)).toEqual([cats.id]);
    const all = await rpc().request(Commands.TOPIC_PROPOSALS_LIST, {
      actorId: admin,
      actorRole: 'admin',
      status: 'pending',
    });
    expect(all.proposals.map((p) => p.id)).toEqual(expect.arrayContaining([cats.id, dogs.id]));

    const approved = await rpc().request(Commands.TOPIC_PROPOSAL_APPROVE, {
      actorId: admin,
      actorName: 'Site admin',
      actorRole: 'admin',
      proposalId: cats.id,
    });
    expect(approved.proposal).toMatchObject({
      status: 'approved',
      decidedBy: admin,
      roomId: approved.room.id,
    });
    expect(approved.room).toMatchObject({
      kind: 'topic',
      name: 'Cats',
      description: 'Photos welcome',
      myRole: 'owner',
    });
    const told = await aliceDevices.waitFor((e) => e.type === 'user.topic_proposal.decided');
    expect(told).toMatchObject({ proposal: { id: cats.id, status: 'approved', roomId: approved.room.id } });
    await expect(kit.join(alice, approved.room.id)).resolves.toMatchObject({ kind: 'topic' });

    const rejected = await rpc().request(Commands.TOPIC_PROPOSAL_REJECT, {
      actorId: admin,
      actorRole: 'admin',
      proposalId: dogs.id,
      reason: ' We already have one ',
    });
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'We already have one' });
    await expect(
      rpc().request(Commands.TOPIC_PROPOSAL_APPROVE, {
        actorId: admin,
        actorName: 'A',
        actorRole: 'admin',
        proposalId: dogs.id,
      }),
    ).rejects.toMatchObject({ code: RoomErrorCode.PROPOSAL_DECIDED });
    await expect(
      rpc().request(Commands.TOPIC_PROPOSAL_REJECT, {
        actorId: admin,
        actorRole: 'admin',
        proposalId: uuidv7(),
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: RoomErrorCode.PROPOSAL_NOT_FOUND });
  });

  it('moderates topic rooms like groups: a banned guest cannot come back', async () => {
    const topic = await createTopic('Moderated');
    const guest = uuidv7();
    await kit.join(guest, topic.id, { actorRole: 'guest' });
    await rpc().request(Commands.MODERATION_BAN, { actorId: admin, roomId: topic.id, userId: guest });
    await expect(kit.join(guest, topic.id, { actorRole: 'guest' })).rejects.toMatchObject({
      code: RoomErrorCode.BANNED,
    });
  });
});

describe('room service: ONE_ROOM_AT_A_TIME', () => {
  const kit = new RoomKit({ ONE_ROOM_AT_A_TIME: 'true' });
  const admin = uuidv7();

  beforeAll(() => kit.start(1, { history: false }), 60_000);
  afterAll(() => kit.stop());

  it('joining a topic room leaves the previous one (and only topic rooms)', async () => {
    const topic = (name: string) =>
      kit.rpc.request(Commands.TOPIC_CREATE, { actorId: admin, actorName: 'A', actorRole: 'admin', name });
    const [first, second] = [await topic('First'), await topic('Second')];
    const me = uuidv7();
    const group = await kit.createRoom(me, 'My group');
    const devices = await kit.probe(me);
    const firstDevices = await kit.probe(admin);
    await kit.join(me, first.id);
    await kit.join(me, second.id);
    const left = await devices.waitFor((e) => e.type === 'user.membership.removed');
    expect(left).toMatchObject({ roomId: first.id, reason: 'left' });
    await firstDevices.waitFor((e) => e.type === 'room.member.left' && e.roomId === first.id);
    const { roomIds } = await kit.rpc.request(Commands.ROOM_MEMBERSHIPS_LIST, { userId: me });
    expect([...roomIds].sort()).toEqual([group.id, second.id].sort());
    // Joining the room one is in changes nothing.
    await kit.join(me, second.id);
    await expect(kit.rpc.request(Commands.ROOM_MEMBERSHIPS_LIST, { userId: me })).resolves.toEqual({
      roomIds,
    });
  });
});

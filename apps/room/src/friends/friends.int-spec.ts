import { Commands, FriendErrorCode, RoomErrorCode } from '@app/contracts';
import { uuidv7 } from '@app/common';
import { quiet, RoomKit } from '../../../../test/rooms/room-kit';

describe('room service: friends and direct rooms (real PostgreSQL + RabbitMQ)', () => {
  const kit = new RoomKit();
  const rpc = () => kit.rpc;
  const as = (actorId: string, actorName = `n-${actorId.slice(-4)}`) => ({ actorId, actorName });

  beforeAll(() => kit.start(), 60_000);
  afterAll(() => kit.stop());

  async function befriend(a: string, b: string): Promise<void> {
    await rpc().request(Commands.FRIEND_REQUEST, { ...as(a, 'Ann'), userId: b });
    await rpc().request(Commands.FRIEND_ACCEPT, { ...as(b, 'Ben'), userId: a });
  }

  it('a request waits for consent; both sides see where they stand, then accepting makes friends', async () => {
    const [ann, ben] = [uuidv7(), uuidv7()];
    const [annDevices, benDevices] = await Promise.all([kit.probe(ann), kit.probe(ben)]);
    await expect(rpc().request(Commands.FRIEND_REQUEST, { ...as(ann, 'Ann'), userId: ben })).resolves.toEqual(
      {
        userId: ben,
        state: 'outgoing',
      },
    );
    const incoming = await benDevices.waitFor((e) => e.type === 'user.friendship.changed');
    expect(incoming).toMatchObject({
      userId: ben,
      otherUserId: ann,
      otherDisplayName: 'Ann',
      state: 'incoming',
    });
    await annDevices.waitFor((e) => e.type === 'user.friendship.changed' && e.state === 'outgoing');

    // Nothing without consent: no direct room yet.
    await expect(rpc().request(Commands.FRIEND_DM_OPEN, { ...as(ann), userId: ben })).rejects.toMatchObject({
      code: FriendErrorCode.NOT_FRIENDS,
    });
    await expect(rpc().request(Commands.FRIEND_LIST, { actorId: ben })).resolves.toMatchObject({
      incoming: [{ userId: ann, displayName: 'Ann', state: 'incoming' }],
      friends: [],
    });

    await expect(rpc().request(Commands.FRIEND_ACCEPT, { ...as(ben, 'Ben'), userId: ann })).resolves.toEqual({
      userId: ann,
      state: 'friends',
    });
    const accepted = await annDevices.waitFor(
      (e) => e.type === 'user.friendship.changed' && e.state === 'friends',
    );
    expect(accepted).toMatchObject({ otherUserId: ben, otherDisplayName: 'Ben' });
    const annList = await rpc().request(Commands.FRIEND_LIST, { actorId: ann });
    expect(annList).toEqual({
      friends: [{ userId: ben, displayName: 'Ben', state: 'friends', since: expect.any(String) }],
      incoming: [],
      outgoing: [],
      blocked: [],
    });
  });

  it('accepts only what was asked: no request, no accept; requesting back accepts', async () => {
    const [a, b] = [uuidv7(), uuidv7()];
    await expect(rpc().request(Commands.FRIEND_ACCEPT, { ...as(a), userId: b })).rejects.toMatchObject({
      code: FriendErrorCode.NO_REQUEST,
    });
    await rpc().request(Commands.FRIEND_REQUEST, { ...as(a), userId: b });
    // The requester cannot accept their own request.
    await expect(rpc().request(Commands.FRIEND_ACCEPT, { ...as(a), userId: b })).rejects.toMatchObject({
      code: FriendErrorCode.NO_REQUEST,
    });
    await expect(rpc().request(Commands.FRIEND_REQUEST, { ...as(b), userId: a })).resolves.toMatchObject({
      state: 'friends',
    });
    await expect(rpc().request(Commands.FRIEND_REQUEST, { ...as(a), userId: b })).rejects.toMatchObject({
      code: FriendErrorCode.ALREADY_FRIENDS,
    });
    await expect(rpc().request(Commands.FRIEND_REQUEST, { ...as(a), userId: a })).rejects.toMatchObject({
      code: FriendErrorCode.SELF,
    });
  });

  it('two requests crossing make one friendship', async () => {
    const [a, b] = [uuidv7(), uuidv7()];
    const results = await Promise.all([
      rpc().request(Commands.FRIEND_REQUEST, { ...as(a), userId: b }),
      rpc().request(Commands.FRIEND_REQUEST, { ...as(b), userId: a }),
    ]);
    expect(results.map((r) => r.state).sort()).toEqual(['friends', 'outgoing']);
    await expect(rpc().request(Commands.FRIEND_LIST, { actorId: a })).resolves.toMatchObject({
      friends: [{ userId: b }],
    });
  });

  it('declines, cancels and removes, telling both sides', async () => {
    const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
    const bDevices = await kit.probe(b);
    await rpc().request(Commands.FRIEND_REQUEST, { ...as(a), userId: b });
    await expect(rpc().request(Commands.FRIEND_DECLINE, { actorId: b, userId: a })).resolves.toEqual({
      userId: a,
      state: 'none',
    });
    await expect(rpc().request(Commands.FRIEND_DECLINE, { actorId: b, userId: a })).rejects.toMatchObject({
      code: FriendErrorCode.NO_REQUEST,
    });
    await rpc().request(Commands.FRIEND_REQUEST, { ...as(a), userId: b });
    await expect(rpc().request(Commands.FRIEND_CANCEL, { actorId: b, userId: a })).rejects.toMatchObject({
      code: FriendErrorCode.NO_REQUEST,
    });
    await rpc().request(Commands.FRIEND_CANCEL, { actorId: a, userId: b });
    await quiet();
    expect(bDevices.events.map((e) => (e.type === 'user.friendship.changed' ? e.state : e.type))).toEqual([
      'incoming',
      'none',
      'incoming',
      'none',
    ]);

    await befriend(a, c);
    await expect(rpc().request(Commands.FRIEND_REMOVE, { actorId: c, userId: a })).resolves.toMatchObject({
      state: 'none',
    });
    await expect(rpc().request(Commands.FRIEND_REMOVE, { actorId: c, userId: a })).rejects.toMatchObject({
      code: FriendErrorCode.NOT_FRIENDS,
    });
  });

  it('a block ends the friendship and stops requests and direct messages both ways, silently', async () => {
    const [a, b] = [uuidv7(), uuidv7()];
    await befriend(a, b);
    const bDevices = await kit.probe(b);
    await rpc().request(Commands.FRIEND_BLOCK, { actorId: a, userId: b });
    const told = await bDevices.waitFor((e) => e.type === 'user.friendship.changed');
    expect(told).toMatchObject({ otherUserId: a, state: 'none' });
    expect(JSON.stringify(bDevices.events)).not.toContain('block');

    for (const [from, to] of [
      [a, b],
      [b, a],
    ]) {
      await expect(rpc().request(Commands.FRIEND_REQUEST, { ...as(from), userId: to })).rejects.toMatchObject(
        {
          code: FriendErrorCode.BLOCKED,
        },
      );
      await expect(rpc().request(Commands.FRIEND_DM_OPEN, { ...as(from), userId: to })).rejects.toMatchObject(
        {
          code: FriendErrorCode.BLOCKED,
        },
      );
    }
    await expect(rpc().request(Commands.FRIEND_LIST, { actorId: a })).resolves.toMatchObject({
      friends: [],
      blocked: [{ userId: b }],
    });
    await rpc().request(Commands.FRIEND_UNBLOCK, { actorId: a, userId: b });
    await expect(rpc().request(Commands.FRIEND_REQUEST, { ...as(b), userId: a })).resolves.toMatchObject({
      state: 'outgoing',
    });
  });

  it('guests have no friends', async () => {
    const [guest, user] = [uuidv7(), uuidv7()];
    await expect(
      rpc().request(Commands.FRIEND_REQUEST, { ...as(guest), actorRole: 'guest', userId: user }),
    ).rejects.toMatchObject({ code: FriendErrorCode.GUESTS_NOT_ALLOWED });
    await rpc().request(Commands.FRIEND_REQUEST, { ...as(user), userId: guest });
    await expect(
      rpc().request(Commands.FRIEND_ACCEPT, { ...as(guest), actorRole: 'guest', userId: user }),
    ).rejects.toMatchObject({ code: FriendErrorCode.GUESTS_NOT_ALLOWED });
  });

  it('opens one direct room per pair, idempotently, whoever asks and however often at once', async () => {
    const [a, b] = [uuidv7(), uuidv7()];
    await befriend(a, b);
    const [aDevices, bDevices] = await Promise.all([kit.probe(a), kit.probe(b)]);
    const opened = await Promise.all([
      rpc().request(Commands.FRIEND_DM_OPEN, { ...as(a, 'Ann'), userId: b }),
      rpc().request(Commands.FRIEND_DM_OPEN, { ...as(b, 'Ben'), userId: a }),
      rpc().request(Commands.FRIEND_DM_OPEN, { ...as(a, 'Ann'), userId: b }),
    ]);
    expect(new Set(opened.map((r) => r.id)).size).toBe(1);
    expect(opened[0]).toMatchObject({ kind: 'direct', memberCount: 2, myRole: 'member', memberCap: 2 });
    const detail = await rpc().request(Commands.ROOM_GET, { actorId: b, roomId: opened[0].id });
    expect(detail.members.map((m) => m.userId).sort()).toEqual([a, b].sort());
    // Both sides' devices learn the room (bound), once.
    await aDevices.waitFor((e) => e.type === 'user.membership.added');
    await bDevices.waitFor((e) => e.type === 'user.membership.added');
    await quiet();
    expect(aDevices.types().filter((t) => t === 'user.membership.added')).toHaveLength(1);
    expect(bDevices.types().filter((t) => t === 'user.membership.added')).toHaveLength(1);
    await expect(rpc().request(Commands.ROOM_MEMBERSHIPS_LIST, { userId: b })).resolves.toEqual({
      roomIds: [opened[0].id],
    });
    // A direct room is not joined, left, or invited into.
    await expect(kit.join(uuidv7(), opened[0].id)).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    await expect(
      rpc().request(Commands.ROOM_LEAVE, { actorId: a, roomId: opened[0].id }),
    ).rejects.toMatchObject({
      code: RoomErrorCode.FORBIDDEN,
    });
    await expect(kit.invite(a, opened[0].id, uuidv7())).rejects.toMatchObject({
      code: RoomErrorCode.FORBIDDEN,
    });
  });
});

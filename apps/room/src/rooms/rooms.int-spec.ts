import { Commands, CommonErrorCode, RoomErrorCode, RoomView } from '@app/contracts';
import { uuidv7 } from '@app/common';
import { DataSource } from 'typeorm';
import { eventually } from '../../../../test/support/infra';
import { MembershipEntity } from './entities/membership.entity';
import { RoomsRepository } from './rooms.repository';
import { ISO, nameOf, quiet, RoomKit } from '../../../../test/rooms/room-kit';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('room service: group rooms (real PostgreSQL + RabbitMQ)', () => {
  const kit = new RoomKit({ ROOM_MEMBER_CAP: '3' });
  const rpc = () => kit.rpc;

  beforeAll(() => kit.start(), 60_000);
  afterAll(() => kit.stop());

  it('is ready once migrated and connected', async () => {
    const res = await fetch(`${await kit.app.getUrl()}/health/ready`);
    expect(res.status).toBe(200);
    await expect(res.json()).resolves.toMatchObject({
      status: 'ok',
      checks: { database: 'up', broker: 'up' },
    });
  });

  it('reads the posting member with every column TypeORM would load, and nothing for a stranger', async () => {
    const owner = uuidv7();
    const room = await kit.createRoom(owner);
    const repo = kit.app.get(RoomsRepository);
    const dataSource = kit.app.get(DataSource);
    const viaOrm = await dataSource.manager.findOne(MembershipEntity, {
      where: { roomId: room.id, userId: owner },
      relations: { room: true },
    });
    const posting = await repo.findPostingMember(room.id, owner);
    expect(viaOrm?.room).toBeDefined();
    expect({ ...posting, room: { ...posting?.room } }).toEqual({
      ...viaOrm,
      room: { ...viaOrm?.room },
      roomHasIntegrations: false,
      directBlocked: false,
    });
    await expect(repo.findPostingMember(room.id, uuidv7())).resolves.toBeNull();
    // Asked together (one statement): each gets its own answer, a malformed id fails only itself.
    const other = uuidv7();
    const otherRoom = await kit.createRoom(other);
    const together = await Promise.all([
      repo.findPostingMember(room.id, owner),
      repo.findPostingMember(otherRoom.id, other.toUpperCase()),
      repo.findPostingMember(otherRoom.id, owner),
      repo.findPostingMember('not-a-uuid', owner).catch(() => 'failed'),
    ]);
    expect(together.map((m) => (typeof m === 'string' ? m : m && `${m.room.name}/${m.userId}`))).toEqual([
      `${room.name}/${owner}`,
      `${otherRoom.name}/${other}`,
      null,
      'failed',
    ]);
  });

  it('creates a room with the creator as owner and tells the creator’s devices', async () => {
    const owner = uuidv7();
    const devices = await kit.probe(owner);
    const room = await rpc().request(Commands.ROOM_CREATE, {
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
      memberCap: 3,
      settings: { slowModeSeconds: 0, profanityFilter: false, historyVisibility: 'shared' },
    });
    await devices.waitFor((e) => e.type === 'user.membership.added');
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

  it('refuses a guest a group room: neither create nor join, even when invited', async () => {
    const [owner, guest] = [uuidv7(), uuidv7()];
    await expect(kit.createRoom(guest, 'Mine', 'guest')).rejects.toMatchObject({
      code: RoomErrorCode.GUESTS_NOT_ALLOWED,
    });
    const room = await kit.createRoom(owner);
    await kit.invite(owner, room.id, guest);
    await expect(kit.join(guest, room.id, { actorRole: 'guest' })).rejects.toMatchObject({
      code: RoomErrorCode.GUESTS_NOT_ALLOWED,
    });
  });

  it('invites a user, who is told; joining accepts: the joiner hears of the room before anything of it', async () => {
    const [owner, bob] = [uuidv7(), uuidv7()];
    const room = await kit.createRoom(owner);
    const [ownerDevices, bobDevices] = await Promise.all([kit.probe(owner), kit.probe(bob)]);

    await expect(kit.invite(owner, room.id, bob)).resolves.toMatchObject({ roomId: room.id, userId: bob });
    const invited = await bobDevices.waitFor((e) => e.type === 'user.room.invited');
    expect(invited).toMatchObject({ userId: bob, room: { id: room.id, name: 'Lobby' }, invitedBy: owner });
    await expect(rpc().request(Commands.ROOM_INVITES_LIST, { actorId: bob })).resolves.toEqual({
      invites: [
        {
          room: expect.objectContaining({ id: room.id }),
          invitedBy: owner,
          invitedByName: nameOf(owner),
          createdAt: expect.stringMatching(ISO),
        },
      ],
    });

    const joined = await kit.join(bob, room.id, { actorName: 'Bob' });
    expect(joined).toEqual({ ...room, memberCount: 2, myRole: 'member' });
    await eventually(() => bobDevices.events.length >= 2 && ownerDevices.events.length >= 1);
    await quiet();
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
    expect(ownerDevices.events).toEqual([joinedEvent]);
    expect(bobDevices.types().slice(0, 2)).toEqual(['user.room.invited', 'user.membership.added']);
    // Bob's gateway binds the room on `user.membership.added`: his own `room.member.joined` may
    // have been published before that binding landed.
    expect([[], [joinedEvent]]).toContainEqual(bobDevices.events.slice(2));
    // From then on he hears the room.
    await rpc().request(Commands.ROOM_RENAME, { actorId: owner, roomId: room.id, name: 'Renamed' });
    await bobDevices.waitFor((e) => e.type === 'room.renamed');
    // The invite was used up.
    await expect(rpc().request(Commands.ROOM_INVITES_LIST, { actorId: bob })).resolves.toEqual({
      invites: [],
    });
  });

  it('answers a repeated join with the room unchanged and announces nothing', async () => {
    const [owner, bob] = [uuidv7(), uuidv7()];
    const room = await kit.createRoom(owner);
    const first = await kit.admit(owner, room.id, bob);
    const [ownerDevices, bobDevices] = await Promise.all([kit.probe(owner), kit.probe(bob)]);

    await expect(kit.join(bob, room.id)).resolves.toEqual(first);
    await expect(kit.join(owner, room.id)).resolves.toEqual({ ...first, myRole: 'owner' });
    await quiet();
    expect(ownerDevices.events).toEqual([]);
    expect(bobDevices.events).toEqual([]);
  });

  it('refuses a group room to someone with neither an invite nor a valid link, and tells nobody', async () => {
    const [owner, carol] = [uuidv7(), uuidv7()];
    const room = await kit.createRoom(owner);
    const carolDevices = await kit.probe(carol);
    await expect(kit.join(carol, room.id)).rejects.toMatchObject({ code: RoomErrorCode.INVITE_REQUIRED });
    await expect(kit.join(carol, room.id, { inviteToken: 'not-a-real-token' })).rejects.toMatchObject({
      code: RoomErrorCode.INVITE_INVALID,
    });
    const otherRoom = await kit.createRoom(owner, 'Other');
    const otherLink = await kit.link(owner, otherRoom.id);
    await expect(kit.join(carol, room.id, { inviteToken: otherLink.token })).rejects.toMatchObject({
      code: RoomErrorCode.INVITE_INVALID,
    });
    await quiet();
    expect(carolDevices.events).toEqual([]);
  });

  it('lets whoever holds a link join until it is used up or revoked; only managers make links', async () => {
    const [owner, a, b, c] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
    const room = await kit.createRoom(owner);
    const link = await kit.link(owner, room.id, { maxUses: 1 });
    expect(link).toEqual({
      id: expect.any(String),
      roomId: room.id,
      token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      createdBy: owner,
      createdAt: expect.stringMatching(ISO),
      expiresAt: expect.stringMatching(ISO),
      maxUses: 1,
      uses: 0,
    });
    expect(Date.parse(link.expiresAt) - Date.parse(link.createdAt)).toBe(7 * 24 * 3600 * 1000);
    await expect(kit.join(a, room.id, { inviteToken: link.token })).resolves.toMatchObject({
      memberCount: 2,
    });
    await expect(kit.join(b, room.id, { inviteToken: link.token })).rejects.toMatchObject({
      code: RoomErrorCode.INVITE_INVALID,
    });
    await expect(kit.link(a, room.id)).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });

    const open = await kit.link(owner, room.id);
    await rpc().request(Commands.ROOM_INVITE_LINK_REVOKE, {
      actorId: owner,
      roomId: room.id,
      linkId: open.id,
    });
    await expect(kit.join(c, room.id, { inviteToken: open.token })).rejects.toMatchObject({
      code: RoomErrorCode.INVITE_INVALID,
    });
  });

  it('refuses an expired link', async () => {
    const [owner, late] = [uuidv7(), uuidv7()];
    const room = await kit.createRoom(owner);
    const link = await kit.link(owner, room.id, { expiresInSeconds: 60 });
    await kit.sql(`UPDATE room.invite_links SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      link.id,
    ]);
    await expect(kit.join(late, room.id, { inviteToken: link.token })).rejects.toMatchObject({
      code: RoomErrorCode.INVITE_INVALID,
    });
  });

  it('refuses a join beyond ROOM_MEMBER_CAP, naming the cap, and the invite stays usable', async () => {
    const [owner, bob, carol, dave] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
    const room = await kit.createRoom(owner);
    await kit.admit(owner, room.id, bob);
    await kit.admit(owner, room.id, carol);
    await kit.invite(owner, room.id, dave);
    const daveDevices = await kit.probe(dave);
    await expect(kit.join(dave, room.id)).rejects.toMatchObject({
      code: RoomErrorCode.FULL,
      message: expect.stringContaining('3'),
    });
    const detail = await rpc().request(Commands.ROOM_GET, { actorId: owner, roomId: room.id });
    expect(detail.memberCount).toBe(3);
    expect(detail.members.map((m) => m.userId)).toEqual([owner, bob, carol]);
    await quiet();
    expect(daveDevices.types()).toEqual([]);
    await expect(rpc().request(Commands.ROOM_INVITES_LIST, { actorId: dave })).resolves.toMatchObject({
      invites: [expect.objectContaining({ room: expect.objectContaining({ id: room.id }) })],
    });
  });

  it('keeps the cap under concurrent joins', async () => {
    const owner = uuidv7();
    const room = await kit.createRoom(owner);
    const link = await kit.link(owner, room.id);
    const joiners = Array.from({ length: 6 }, () => uuidv7());
    const outcomes = await Promise.allSettled(
      joiners.map((u) => kit.join(u, room.id, { inviteToken: link.token })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    const refusals = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refusals.map((o) => (o.reason as { code: string }).code)).toEqual(
      Array(4).fill(RoomErrorCode.FULL),
    );
    const detail = await rpc().request(Commands.ROOM_GET, { actorId: owner, roomId: room.id });
    expect(detail.memberCount).toBe(3);
    expect(detail.members).toHaveLength(3);
  });

  it('shows a room with its members to members only', async () => {
    const [owner, bob, stranger] = [uuidv7(), uuidv7(), uuidv7()];
    const room = await kit.createRoom(owner, 'Detail');
    await kit.admit(owner, room.id, bob, 'Bob');
    const detail = await rpc().request(Commands.ROOM_GET, { actorId: bob, roomId: room.id });
    expect(detail).toEqual({
      ...room,
      memberCount: 2,
      myRole: 'member',
      members: [
        { userId: owner, displayName: nameOf(owner), role: 'owner', joinedAt: room.createdAt },
        { userId: bob, displayName: 'Bob', role: 'member', joinedAt: expect.stringMatching(ISO) },
      ],
    });
    await expect(
      rpc().request(Commands.ROOM_GET, { actorId: stranger, roomId: room.id }),
    ).rejects.toMatchObject({
      code: RoomErrorCode.NOT_MEMBER,
    });
  });

  it('answers room.not_found for a room that does not exist', async () => {
    const [actor, missing] = [uuidv7(), uuidv7()];
    await expect(kit.join(actor, missing)).rejects.toMatchObject({ code: RoomErrorCode.NOT_FOUND });
    await expect(rpc().request(Commands.ROOM_GET, { actorId: actor, roomId: missing })).rejects.toMatchObject(
      {
        code: RoomErrorCode.NOT_FOUND,
      },
    );
  });

  it('lists the actor’s rooms, most recently joined first, and their ids for the gateway', async () => {
    const [me, other] = [uuidv7(), uuidv7()];
    const mine = await kit.createRoom(me, 'Mine');
    const theirs = await kit.createRoom(other, 'Theirs');
    await kit.admit(other, theirs.id, me);
    await kit.createRoom(other, 'Not mine');
    const { rooms } = await rpc().request(Commands.ROOM_LIST, { actorId: me });
    expect(rooms.map((r) => [r.name, r.myRole])).toEqual([
      ['Theirs', 'member'],
      ['Mine', 'owner'],
    ]);
    await expect(rpc().request(Commands.ROOM_MEMBERSHIPS_LIST, { userId: me })).resolves.toEqual({
      roomIds: [mine.id, theirs.id],
    });
  });

  it('declines an invite: it is gone, and joining then needs a new one', async () => {
    const [owner, bob] = [uuidv7(), uuidv7()];
    const room = await kit.createRoom(owner);
    await kit.invite(owner, room.id, bob);
    await expect(
      rpc().request(Commands.ROOM_INVITE_DECLINE, { actorId: bob, roomId: room.id }),
    ).resolves.toEqual({
      declined: true,
    });
    await expect(kit.join(bob, room.id)).rejects.toMatchObject({ code: RoomErrorCode.INVITE_REQUIRED });
    await expect(
      rpc().request(Commands.ROOM_INVITE_DECLINE, { actorId: bob, roomId: room.id }),
    ).rejects.toMatchObject({ code: RoomErrorCode.INVITE_INVALID });
  });

  it('lets only the owner and admins invite, and not someone already in', async () => {
    const { room, owner, admin, member } = await kit.cast();
    const [x, y] = [uuidv7(), uuidv7()];
    await expect(kit.invite(member, room.id, x)).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    await expect(kit.invite(admin, room.id, x)).resolves.toMatchObject({ userId: x });
    await expect(kit.invite(owner, room.id, member)).rejects.toMatchObject({
      code: RoomErrorCode.ALREADY_MEMBER,
    });
    await expect(kit.invite(y, room.id, x)).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });
  });

  it('renames (owner or admin), tells the room, logs it and says it in the room', async () => {
    const { room, owner, admin, member } = await kit.cast('Old name');
    const memberDevices = await kit.probe(member);
    await expect(
      rpc().request(Commands.ROOM_RENAME, { actorId: member, roomId: room.id, name: 'Nope' }),
    ).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    const renamed = await rpc().request(Commands.ROOM_RENAME, {
      actorId: admin,
      roomId: room.id,
      name: ' 새 이름 ',
    });
    expect(renamed).toMatchObject({ id: room.id, name: '새 이름', myRole: 'admin' });
    const event = await memberDevices.waitFor((e) => e.type === 'room.renamed');
    expect(event).toMatchObject({ roomId: room.id, name: '새 이름', actorId: admin });
    await expect(
      rpc().request(Commands.ROOM_GET, { actorId: owner, roomId: room.id }),
    ).resolves.toMatchObject({
      name: '새 이름',
    });
    const { entries } = await rpc().request(Commands.MODERATION_AUDIT_LIST, {
      actorId: owner,
      roomId: room.id,
    });
    const audit = entries.find((e) => e.action === 'room.rename');
    expect(audit).toMatchObject({ actorId: admin, details: { from: 'Old name', to: '새 이름' } });
    await eventually(() => kit.appends.some((a) => a.clientMsgId === `audit-${audit?.id}`));
    expect(kit.appends.find((a) => a.clientMsgId === `audit-${audit?.id}`)).toMatchObject({
      roomId: room.id,
      senderId: admin,
      kind: 'system',
      content: `${nameOf(admin)} renamed the room to “새 이름”`,
    });
  });

  it('stores slow mode and the profanity flag, returns them as settings and tells the room', async () => {
    const { room, admin, member } = await kit.cast();
    const memberDevices = await kit.probe(member);
    await expect(
      rpc().request(Commands.ROOM_SETTINGS_UPDATE, { actorId: member, roomId: room.id, slowModeSeconds: 5 }),
    ).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    const updated = await rpc().request(Commands.ROOM_SETTINGS_UPDATE, {
      actorId: admin,
      roomId: room.id,
      slowModeSeconds: 30,
      profanityFilter: true,
    });
    expect(updated.settings).toEqual({
      slowModeSeconds: 30,
      profanityFilter: true,
      historyVisibility: 'shared',
    });
    const event = await memberDevices.waitFor((e) => e.type === 'room.updated');
    expect(event).toMatchObject({
      room: { id: room.id, settings: { slowModeSeconds: 30, profanityFilter: true } },
    });
    const { rooms } = await rpc().request(Commands.ROOM_LIST, { actorId: member });
    expect(rooms.find((r) => r.id === room.id)?.settings).toEqual({
      slowModeSeconds: 30,
      profanityFilter: true,
      historyVisibility: 'shared',
    });
    await expect(
      rpc().request(Commands.ROOM_SETTINGS_UPDATE, {
        actorId: admin,
        roomId: room.id,
        slowModeSeconds: 3601,
      }),
    ).rejects.toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED });
  });

  it('keeps a room image (PNG, JPEG or WebP by its bytes) and serves it to anyone who asks by room id', async () => {
    const { room, owner, member } = await kit.cast();
    const set = (actorId: string, data: string) =>
      rpc().request(Commands.ROOM_IMAGE_SET, { actorId, roomId: room.id, data });
    await expect(set(member, PNG.toString('base64'))).rejects.toMatchObject({
      code: RoomErrorCode.FORBIDDEN,
    });
    await expect(
      set(owner, Buffer.from('<svg onload="alert(1)"/>').toString('base64')),
    ).rejects.toMatchObject({
      code: RoomErrorCode.INVALID_IMAGE,
    });
    await expect(set(owner, Buffer.alloc(300 * 1024, 1).toString('base64'))).rejects.toMatchObject({
      code: RoomErrorCode.IMAGE_TOO_LARGE,
    });
    await expect(rpc().request(Commands.ROOM_IMAGE_GET, { roomId: room.id })).rejects.toMatchObject({
      code: RoomErrorCode.NO_IMAGE,
    });

    const withImage: RoomView = await set(owner, PNG.toString('base64'));
    expect(withImage.imageUrl).toMatch(new RegExp(`^/api/v1/rooms/${room.id}/image\\?v=\\d+$`));
    const image = await rpc().request(Commands.ROOM_IMAGE_GET, { roomId: room.id });
    expect(image).toEqual({
      contentType: 'image/png',
      data: PNG.toString('base64'),
      updatedAt: expect.stringMatching(ISO),
    });
    const again = await set(owner, PNG.toString('base64'));
    expect(again.imageUrl).not.toBe(withImage.imageUrl);

    const removed = await rpc().request(Commands.ROOM_IMAGE_REMOVE, { actorId: owner, roomId: room.id });
    expect(removed.imageUrl).toBeUndefined();
    await expect(rpc().request(Commands.ROOM_IMAGE_GET, { roomId: room.id })).rejects.toMatchObject({
      code: RoomErrorCode.NO_IMAGE,
    });
  });

  it('lets a member leave: told why, the room told; the owner hands over first', async () => {
    const { room, owner, admin, member } = await kit.cast();
    const [ownerDevices, memberDevices] = await Promise.all([kit.probe(owner), kit.probe(member)]);
    await expect(rpc().request(Commands.ROOM_LEAVE, { actorId: member, roomId: room.id })).resolves.toEqual({
      left: true,
    });
    const removed = await memberDevices.waitFor((e) => e.type === 'user.membership.removed');
    expect(removed).toMatchObject({ userId: member, roomId: room.id, reason: 'left' });
    await ownerDevices.waitFor((e) => e.type === 'room.member.left');
    await quiet();
    // Dropped by their gateway before anything else was said: they never see their own departure.
    expect(memberDevices.types()).toEqual(['user.membership.removed']);
    await expect(
      rpc().request(Commands.ROOM_GET, { actorId: member, roomId: room.id }),
    ).rejects.toMatchObject({
      code: RoomErrorCode.NOT_MEMBER,
    });
    await expect(
      rpc().request(Commands.ROOM_LEAVE, { actorId: member, roomId: room.id }),
    ).rejects.toMatchObject({
      code: RoomErrorCode.NOT_MEMBER,
    });

    await expect(
      rpc().request(Commands.ROOM_LEAVE, { actorId: owner, roomId: room.id }),
    ).rejects.toMatchObject({
      code: RoomErrorCode.OWNER_CANNOT_LEAVE,
    });
    await rpc().request(Commands.ROOM_OWNER_TRANSFER, { actorId: owner, roomId: room.id, userId: admin });
    await expect(rpc().request(Commands.ROOM_LEAVE, { actorId: owner, roomId: room.id })).resolves.toEqual({
      left: true,
    });
  });

  it('changes roles (owner only) and hands the room over, telling the room each time', async () => {
    const { room, owner, admin, member } = await kit.cast();
    const memberDevices = await kit.probe(member);
    await expect(
      rpc().request(Commands.ROOM_MEMBER_ROLE_SET, {
        actorId: admin,
        roomId: room.id,
        userId: member,
        role: 'admin',
      }),
    ).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    await expect(
      rpc().request(Commands.ROOM_MEMBER_ROLE_SET, {
        actorId: owner,
        roomId: room.id,
        userId: uuidv7(),
        role: 'admin',
      }),
    ).rejects.toMatchObject({ code: RoomErrorCode.TARGET_NOT_MEMBER });

    const promoted = await rpc().request(Commands.ROOM_MEMBER_ROLE_SET, {
      actorId: owner,
      roomId: room.id,
      userId: member,
      role: 'admin',
    });
    expect(promoted.members.find((m) => m.userId === member)?.role).toBe('admin');
    await memberDevices.waitFor((e) => e.type === 'room.member.role_changed');
    expect(memberDevices.events.find((e) => e.type === 'room.member.role_changed')).toMatchObject({
      userId: member,
      role: 'admin',
      actorId: owner,
    });

    const handed = await rpc().request(Commands.ROOM_OWNER_TRANSFER, {
      actorId: owner,
      roomId: room.id,
      userId: admin,
    });
    expect(handed).toMatchObject({ ownerId: admin, myRole: 'admin' });
    expect(Object.fromEntries(handed.members.map((m) => [m.userId, m.role]))).toEqual({
      [owner]: 'admin',
      [admin]: 'owner',
      [member]: 'admin',
    });
    await memberDevices.waitFor((e) => e.type === 'room.updated');
    await expect(
      rpc().request(Commands.ROOM_OWNER_TRANSFER, { actorId: owner, roomId: room.id, userId: member }),
    ).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
  });

  it('exposes outbox and membership metrics', async () => {
    const text = await (await fetch(`${await kit.app.getUrl()}/metrics`)).text();
    expect(text).toMatch(/happychat_room_outbox_ops_total\{result="applied"\} [1-9]/);
    expect(text).toMatch(/happychat_room_outbox_pending \d+/);
  });
});

import { RoomErrorCode } from '@app/contracts';
import { EventPublisher, InboxBindings } from '@app/messaging';
import { RoomConfig } from '../room.config';
import { MembershipEntity } from './entities/membership.entity';
import { RoomEntity } from './entities/room.entity';
import { RoomsRepository, RoomsTransaction } from './rooms.repository';
import { normalizeRoomName, RoomsService } from './rooms.service';

const ROOM = '0190f5c2-7c1a-7000-8000-0000000000aa';
const OWNER = '0190f5c2-7c1a-7000-8000-0000000000a1';
const BOB = '0190f5c2-7c1a-7000-8000-0000000000b1';

/** An in-memory stand-in for the repository: enough rows to exercise the rules. */
class FakeRooms {
  rooms = new Map<string, RoomEntity>();
  memberships: MembershipEntity[] = [];

  transaction<T>(work: (tx: RoomsTransaction) => Promise<T>): Promise<T> {
    const tx = {
      lockRoom: async (id: string) => {
        const r = this.rooms.get(id);
        return r ? { ...r } : null;
      },
      findMembership: async (roomId: string, userId: string) => this.find(roomId, userId),
      insertRoom: async (room: RoomEntity) => void this.rooms.set(room.id, { ...room }),
      insertMembership: async (m: MembershipEntity) => void this.memberships.push({ ...m }),
      incrementMemberCount: async (id: string) => {
        const r = this.rooms.get(id);
        if (r) r.memberCount++;
      },
    };
    return work(tx as unknown as RoomsTransaction);
  }

  async findMembership(roomId: string, userId: string): Promise<MembershipEntity | null> {
    return this.find(roomId, userId);
  }

  async roomExists(roomId: string): Promise<boolean> {
    return this.rooms.has(roomId);
  }

  private find(roomId: string, userId: string): MembershipEntity | null {
    return this.memberships.find((m) => m.roomId === roomId && m.userId === userId) ?? null;
  }
}

function setup(cap = 2) {
  const repo = new FakeRooms();
  const calls: string[] = [];
  const inbox = { bindRoom: jest.fn(async (u: string, r: string) => void calls.push(`bind ${u} ${r}`)) };
  const events = {
    publishUserEvent: jest.fn(
      async (u: string, e: { type: string }) => void calls.push(`user ${u} ${e.type}`),
    ),
    publishRoomEvent: jest.fn(
      async (r: string, u: string, e: { type: string }) => void calls.push(`room ${r} ${u} ${e.type}`),
    ),
  };
  const config = Object.assign(new RoomConfig(), { ROOM_MEMBER_CAP: cap });
  const service = new RoomsService(
    repo as unknown as RoomsRepository,
    inbox as unknown as InboxBindings,
    events as unknown as EventPublisher,
    config,
  );
  return { repo, calls, events, service };
}

function seedRoom(repo: FakeRooms, patch: Partial<RoomEntity> = {}): void {
  const createdAt = new Date('2024-11-23T10:00:00Z');
  repo.rooms.set(ROOM, {
    id: ROOM,
    kind: 'group',
    name: 'Lobby',
    ownerId: OWNER,
    memberCount: 1,
    createdAt,
    ...patch,
  });
  repo.memberships.push({
    roomId: ROOM,
    userId: OWNER,
    role: 'owner',
    displayName: 'Owner',
    joinedAt: createdAt,
  });
}

describe('normalizeRoomName', () => {
  it('stores names in NFC, trimmed', () => {
    expect(normalizeRoomName('  Cafe\u0301 club \n')).toBe('Café club');
  });

  it.each([
    ['blank', ' \u3000 '],
    ['invisible only', '\u200b\u200d'],
    ['a control character', 'two\nlines'],
  ])('refuses a name that is %s', (_what, raw) => {
    expect(() => normalizeRoomName(raw)).toThrow(
      expect.objectContaining({ code: RoomErrorCode.INVALID_NAME }),
    );
  });

  it('counts characters as code points', () => {
    expect(normalizeRoomName('😀'.repeat(100))).toHaveLength(200);
    expect(() => normalizeRoomName('😀'.repeat(101))).toThrow(
      expect.objectContaining({ code: RoomErrorCode.INVALID_NAME }),
    );
  });
});

describe('RoomsService', () => {
  it('creates a room with its owner, binds, then announces', async () => {
    const { repo, calls, service } = setup();
    const { room, membership } = await service.create({
      actorId: OWNER,
      actorName: 'Owner',
      kind: 'group',
      name: ' Lobby ',
    });
    expect(room).toMatchObject({ name: 'Lobby', ownerId: OWNER, memberCount: 1, kind: 'group' });
    expect(membership).toMatchObject({ userId: OWNER, role: 'owner', displayName: 'Owner' });
    expect(repo.rooms.get(room.id)).toBeDefined();
    expect(calls).toEqual([`bind ${OWNER} ${room.id}`, `user ${OWNER} user.membership.added`]);
  });

  it('announces a join to the joiner, binds, then tells the room', async () => {
    const { repo, calls, events, service } = setup();
    seedRoom(repo);
    const { room, membership } = await service.join({ actorId: BOB, actorName: 'Bob', roomId: ROOM });
    expect(room.memberCount).toBe(2);
    expect(repo.rooms.get(ROOM)?.memberCount).toBe(2);
    expect(membership).toMatchObject({ userId: BOB, role: 'member', displayName: 'Bob' });
    expect(calls).toEqual([
      `user ${BOB} user.membership.added`,
      `bind ${BOB} ${ROOM}`,
      `room ${ROOM} ${BOB} room.member.joined`,
    ]);
    expect(events.publishUserEvent).toHaveBeenCalledWith(
      BOB,
      expect.objectContaining({
        v: 1,
        userId: BOB,
        room: expect.objectContaining({ id: ROOM, myRole: 'member', memberCount: 2 }),
      }),
    );
  });

  it('answers a repeated join unchanged, announcing nothing', async () => {
    const { repo, calls, service } = setup();
    seedRoom(repo);
    await service.join({ actorId: BOB, actorName: 'Bob', roomId: ROOM });
    calls.length = 0;
    const again = await service.join({ actorId: BOB, actorName: 'Bob', roomId: ROOM });
    expect(again.room.memberCount).toBe(2);
    expect(repo.memberships).toHaveLength(2);
    expect(calls.filter((c) => !c.startsWith('bind'))).toEqual([]);
  });

  it('refuses a join at the cap, naming it, and changes nothing', async () => {
    const { repo, calls, service } = setup(2);
    seedRoom(repo, { memberCount: 2 });
    const join = service.join({ actorId: BOB, actorName: 'Bob', roomId: ROOM });
    await expect(join).rejects.toMatchObject({
      code: RoomErrorCode.FULL,
      message: expect.stringContaining('2'),
    });
    expect(repo.memberships).toHaveLength(1);
    expect(calls).toEqual([]);
  });

  it('lets a member re-join a full room (idempotent before the cap check)', async () => {
    const { repo, service } = setup(2);
    seedRoom(repo, { memberCount: 2 });
    await expect(service.join({ actorId: OWNER, actorName: 'Owner', roomId: ROOM })).resolves.toMatchObject({
      membership: { role: 'owner' },
    });
  });

  it('refuses unknown rooms and rooms that are not groups', async () => {
    const { repo, service } = setup();
    await expect(service.join({ actorId: BOB, actorName: 'Bob', roomId: ROOM })).rejects.toMatchObject({
      code: RoomErrorCode.NOT_FOUND,
    });
    seedRoom(repo, { kind: 'direct' });
    await expect(service.join({ actorId: BOB, actorName: 'Bob', roomId: ROOM })).rejects.toMatchObject({
      code: RoomErrorCode.FORBIDDEN,
    });
  });

  it('tells an unknown room from one the actor is not in', async () => {
    const { repo, service } = setup();
    await expect(service.requireMember(BOB, ROOM)).rejects.toMatchObject({ code: RoomErrorCode.NOT_FOUND });
    seedRoom(repo);
    await expect(service.requireMember(BOB, ROOM)).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });
    await expect(service.requireMember(OWNER, ROOM)).resolves.toMatchObject({ role: 'owner' });
  });
});

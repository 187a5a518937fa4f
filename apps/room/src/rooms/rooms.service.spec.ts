import { CommonErrorCode, RoomErrorCode } from '@app/contracts';
import { AuditTrail } from '../audit/audit-trail';
import { OutboxOp, OutboxReceipt } from '../outbox/outbox-op';
import { OutboxService } from '../outbox/outbox.service';
import { RoomConfig } from '../room.config';
import { RpcClient } from '@app/messaging';
import { BanEntity } from './entities/ban.entity';
import { InviteEntity } from './entities/invite.entity';
import { MembershipEntity } from './entities/membership.entity';
import { RoomEntity } from './entities/room.entity';
import { readRoomImage, sniffImageType } from './room-image';
import { RoomsRepository, RoomsTransaction } from './rooms.repository';
import {
  describeDuration,
  newMembership,
  normalizeDisplayName,
  normalizeRoomName,
  outranks,
  RoomsService,
} from './rooms.service';

const ROOM = '0190f5c2-7c1a-7000-8000-0000000000aa';
const OWNER = '0190f5c2-7c1a-7000-8000-0000000000a1';
const BOB = '0190f5c2-7c1a-7000-8000-0000000000b1';
const BOT = '0190f5c2-7c1a-7000-8000-0000000000c1';

/** An in-memory stand-in for the repository and its transactions: enough rows to exercise the rules. */
class FakeRooms {
  rooms = new Map<string, RoomEntity>();
  memberships: MembershipEntity[] = [];
  invites: InviteEntity[] = [];
  bans: BanEntity[] = [];
  /** Every op written to the outbox, as `<stream> <op>`. */
  ops: string[] = [];
  receipts: OutboxReceipt[] = [];

  transaction<T>(work: (tx: RoomsTransaction) => Promise<T>): Promise<T> {
    const receipt: OutboxReceipt = { awaited: new Map(), background: new Set() };
    const outbox = {
      receipt,
      add: async (stream: string, ops: OutboxOp[]) => {
        for (const op of ops) this.ops.push(`${stream} ${show(op)}`);
        receipt.awaited.set(stream, ['1']);
      },
    };
    const tx = {
      outbox,
      lockRoom: async (id: string) => this.room(id),
      lockRooms: async (ids: string[]) => ids.map((id) => this.room(id)).filter(Boolean),
      findMembership: async (roomId: string, userId: string) => this.find(roomId, userId),
      insertRoom: async (room: RoomEntity) => void this.rooms.set(room.id, { ...room }),
      insertMembership: async (m: MembershipEntity) => void this.memberships.push({ ...m }),
      deleteMembership: async (roomId: string, userId: string) => {
        const gone = this.find(roomId, userId);
        this.memberships = this.memberships.filter((m) => m !== gone);
        return gone && { bot: gone.bot === true };
      },
      addToMemberCount: async (id: string, delta: number) => {
        const r = this.rooms.get(id);
        if (r) r.memberCount += delta;
      },
      findBan: async (roomId: string, userId: string) =>
        this.bans.find((b) => b.roomId === roomId && b.userId === userId) ?? null,
      deleteInvite: async (roomId: string, userId: string) => {
        const before = this.invites.length;
        this.invites = this.invites.filter((i) => !(i.roomId === roomId && i.userId === userId));
        return this.invites.length < before;
      },
      lockInviteLink: async () => null,
      topicMemberships: async () => [],
    };
    return work(tx as unknown as RoomsTransaction).then((value) => {
      this.receipts.push(receipt);
      return value;
    });
  }

  async findRoom(id: string): Promise<RoomEntity | null> {
    return this.room(id);
  }

  async findMembership(roomId: string, userId: string): Promise<MembershipEntity | null> {
    return this.find(roomId, userId);
  }

  async roomExists(roomId: string): Promise<boolean> {
    return this.rooms.has(roomId);
  }

  private room(id: string): RoomEntity | null {
    const r = this.rooms.get(id);
    return r ? { ...r } : null;
  }

  private find(roomId: string, userId: string): MembershipEntity | null {
    return this.memberships.find((m) => m.roomId === roomId && m.userId === userId) ?? null;
  }
}

function show(op: OutboxOp): string {
  switch (op.kind) {
    case 'bind':
    case 'unbind':
      return `${op.kind} ${op.userId.slice(-2)}`;
    case 'user_event':
      return `user ${op.userId.slice(-2)} ${op.event.type}`;
    case 'room_event':
      return `room ${op.event.type}`;
    case 'system_message':
      return `system ${op.content}`;
  }
}

function setup(cap = 2) {
  const repo = new FakeRooms();
  const settle = jest.fn(async () => undefined);
  const outbox = { settle, settleStream: jest.fn(async () => undefined) } as unknown as OutboxService;
  const config = Object.assign(new RoomConfig(), { ROOM_MEMBER_CAP: cap });
  const service = new RoomsService(
    repo as unknown as RoomsRepository,
    outbox,
    { record: jest.fn() } as unknown as AuditTrail,
    config,
    { request: jest.fn(async () => ({ messages: [], hasMore: false })) } as unknown as RpcClient,
  );
  return { repo, settle, service };
}

function seedRoom(repo: FakeRooms, patch: Partial<RoomEntity> = {}) {
  const createdAt = new Date('2024-11-23T10:00:00Z');
  repo.rooms.set(ROOM, {
    id: ROOM,
    kind: 'group',
    name: 'Lobby',
    ownerId: OWNER,
    memberCount: 1,
    createdAt,
    slowModeSeconds: 0,
    profanityFilter: false,
    historyVisibility: 'shared',
    memberCap: null,
    description: null,
    lastActivityAt: null,
    imageUpdatedAt: null,
    directKey: null,
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

function invite(repo: FakeRooms, userId = BOB) {
  repo.invites.push({
    roomId: ROOM,
    userId,
    invitedBy: OWNER,
    invitedByName: 'Owner',
    createdAt: new Date(),
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

  it('refuses an alias that is blank or too long', () => {
    expect(normalizeDisplayName(' 익명 ')).toBe('익명');
    expect(() => normalizeDisplayName('\u200b')).toThrow(
      expect.objectContaining({ code: CommonErrorCode.VALIDATION_FAILED }),
    );
    expect(() => normalizeDisplayName('x'.repeat(51))).toThrow(
      expect.objectContaining({ code: CommonErrorCode.VALIDATION_FAILED }),
    );
  });
});

describe('moderation rank', () => {
  it.each([
    ['owner', 'admin', true],
    ['owner', 'member', true],
    ['admin', 'member', true],
    ['admin', 'admin', false],
    ['admin', 'owner', false],
    ['member', 'member', false],
  ] as const)('%s outranks %s: %s', (actor, target, expected) => {
    expect(outranks(actor, target)).toBe(expected);
  });

  it('says durations the way people do', () => {
    expect(describeDuration(600)).toBe('10 minutes');
    expect(describeDuration(3600)).toBe('1 hour');
    expect(describeDuration(172800)).toBe('2 days');
    expect(describeDuration(45)).toBe('45 seconds');
  });
});

describe('room images', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
  const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);

  it('knows PNG, JPEG and WebP by their bytes', () => {
    expect(sniffImageType(png)).toBe('image/png');
    expect(sniffImageType(jpeg)).toBe('image/jpeg');
    expect(sniffImageType(webp)).toBe('image/webp');
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImageType(Buffer.from('GIF89a'))).toBeNull();
  });

  it('refuses other bytes and oversized images with their own codes', () => {
    expect(() => readRoomImage(Buffer.from('hello, I am text').toString('base64'))).toThrow(
      expect.objectContaining({ code: RoomErrorCode.INVALID_IMAGE }),
    );
    const big = Buffer.concat([png, Buffer.alloc(256 * 1024)]);
    expect(() => readRoomImage(big.toString('base64'))).toThrow(
      expect.objectContaining({ code: RoomErrorCode.IMAGE_TOO_LARGE }),
    );
    expect(readRoomImage(png.toString('base64'))).toMatchObject({ contentType: 'image/png' });
  });
});

describe('RoomsService: the outbox carries every membership change, in order', () => {
  it('creates a room with its owner and tells the owner, binding nothing', async () => {
    const { repo, settle, service } = setup();
    const { room, membership } = await service.create({
      actorId: OWNER,
      actorName: 'Owner',
      kind: 'group',
      name: ' Lobby ',
    });
    expect(room).toMatchObject({ name: 'Lobby', ownerId: OWNER, memberCount: 1, kind: 'group' });
    expect(membership).toMatchObject({ userId: OWNER, role: 'owner', displayName: 'Owner' });
    expect(repo.ops).toEqual([`user:${OWNER} user a1 user.membership.added`]);
    expect(settle).toHaveBeenCalledTimes(1);
  });

  it('refuses a guest a group room', async () => {
    const { repo, service } = setup();
    await expect(
      service.create({ actorId: OWNER, actorName: 'G', actorRole: 'guest', kind: 'group', name: 'x' }),
    ).rejects.toMatchObject({ code: RoomErrorCode.GUESTS_NOT_ALLOWED });
    seedRoom(repo);
    invite(repo);
    await expect(
      service.join({ actorId: BOB, actorName: 'G', actorRole: 'guest', roomId: ROOM }),
    ).rejects.toMatchObject({ code: RoomErrorCode.GUESTS_NOT_ALLOWED });
    expect(repo.ops).toEqual([]);
  });

  it('admits an invited user: tell them, then the room (their gateways bind); the invite is used up', async () => {
    const { repo, service } = setup();
    seedRoom(repo);
    invite(repo);
    const { room, membership } = await service.join({ actorId: BOB, actorName: 'Bob', roomId: ROOM });
    expect(room.memberCount).toBe(2);
    expect(repo.rooms.get(ROOM)?.memberCount).toBe(2);
    expect(membership).toMatchObject({ userId: BOB, role: 'member', displayName: 'Bob' });
    expect(repo.ops).toEqual([
      `user:${BOB} user b1 user.membership.added`,
      `user:${BOB} room room.member.joined`,
    ]);
    expect(repo.invites).toEqual([]);
  });

  it('refuses a group room without an invite, and a banned user even with one', async () => {
    const { repo, service } = setup(5);
    seedRoom(repo);
    await expect(service.join({ actorId: BOB, actorName: 'Bob', roomId: ROOM })).rejects.toMatchObject({
      code: RoomErrorCode.INVITE_REQUIRED,
    });
    await expect(
      service.join({ actorId: BOB, actorName: 'Bob', roomId: ROOM, inviteToken: 'nope' }),
    ).rejects.toMatchObject({ code: RoomErrorCode.INVITE_INVALID });
    invite(repo);
    repo.bans.push({ roomId: ROOM, userId: BOB, bannedBy: OWNER, reason: null, createdAt: new Date() });
    await expect(service.join({ actorId: BOB, actorName: 'Bob', roomId: ROOM })).rejects.toMatchObject({
      code: RoomErrorCode.BANNED,
    });
    expect(repo.ops).toEqual([]);
  });

  it('answers a repeated join unchanged, queueing nothing but settling what is left', async () => {
    const { repo, service } = setup();
    seedRoom(repo);
    await expect(service.join({ actorId: OWNER, actorName: 'Owner', roomId: ROOM })).resolves.toMatchObject({
      membership: { role: 'owner' },
    });
    expect(repo.ops).toEqual([]);
  });

  it('refuses a join at the cap, naming it, and changes nothing', async () => {
    const { repo, service } = setup(2);
    seedRoom(repo, { memberCount: 2 });
    invite(repo);
    await expect(service.join({ actorId: BOB, actorName: 'Bob', roomId: ROOM })).rejects.toMatchObject({
      code: RoomErrorCode.FULL,
      message: expect.stringContaining('2'),
    });
    expect(repo.memberships).toHaveLength(1);
    expect(repo.ops).toEqual([]);
  });

  it('removes a member: tell them why, then tell the room; nothing to unbind', async () => {
    const { repo, service } = setup();
    seedRoom(repo);
    invite(repo);
    await service.join({ actorId: BOB, actorName: 'Bob', roomId: ROOM });
    repo.ops.length = 0;
    await service.leave(BOB, ROOM);
    expect(repo.ops).toEqual([
      `user:${BOB} user b1 user.membership.removed`,
      `user:${BOB} room room.member.left`,
    ]);
    expect(repo.rooms.get(ROOM)?.memberCount).toBe(1);
  });

  it('binds a bot’s inbox after telling it and before telling the room; unbinds it first on removal', async () => {
    const { repo, service } = setup();
    seedRoom(repo);
    const bot = { ...newMembership(ROOM, BOT, 'Bot', 'member', new Date()), bot: true };
    await repo.transaction(async (tx) => {
      const room = await service.lockExisting(tx, ROOM);
      await service.addMemberIn(tx, { ...room, memberCount: 2 }, bot);
    });
    expect(repo.ops).toEqual([
      `user:${BOT} user c1 user.membership.added`,
      `user:${BOT} bind c1`,
      `user:${BOT} room room.member.joined`,
    ]);
    repo.ops.length = 0;
    await repo.transaction(async (tx) => {
      const room = await service.lockExisting(tx, ROOM);
      await service.removeMemberIn(tx, room, BOT, 'kicked', OWNER);
    });
    expect(repo.ops).toEqual([
      `user:${BOT} unbind c1`,
      `user:${BOT} user c1 user.membership.removed`,
      `user:${BOT} room room.member.kicked`,
    ]);
  });

  it('keeps the owner in while others are there', async () => {
    const { repo, service } = setup();
    seedRoom(repo, { memberCount: 2 });
    await expect(service.leave(OWNER, ROOM)).rejects.toMatchObject({
      code: RoomErrorCode.OWNER_CANNOT_LEAVE,
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

import { Injectable } from '@nestjs/common';
import { Events, Limits, MemberRole, RoomErrorCode } from '@app/contracts';
import { AppException, uuidv7 } from '@app/common';
import { EventPublisher, InboxBindings } from '@app/messaging';
import { RoomConfig } from '../room.config';
import { MembershipEntity } from './entities/membership.entity';
import { RoomEntity } from './entities/room.entity';
import { toRoomView } from './rooms.mapper';
import { RoomsRepository } from './rooms.repository';

export interface CreateRoomInput {
  actorId: string;
  actorName: string;
  kind: 'group';
  name: string;
}

export interface JoinRoomInput {
  actorId: string;
  actorName: string;
  roomId: string;
}

/** A room as one member sees it. */
export interface MemberRoom {
  room: RoomEntity;
  membership: MembershipEntity;
}

export interface RoomDetail extends MemberRoom {
  members: MembershipEntity[];
}

/** Something visible must remain: whitespace and invisible format characters alone are no name. */
const VISIBLE = /[^\s\p{Cf}]/u;
const CONTROL = /\p{Cc}/u;

/** The stored form of a room name: NFC, trimmed, one line, at most ROOM_NAME_MAX characters. */
export function normalizeRoomName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (!VISIBLE.test(name)) throw new AppException(RoomErrorCode.INVALID_NAME, 'Room name must not be blank');
  if (CONTROL.test(name))
    throw new AppException(RoomErrorCode.INVALID_NAME, 'Room name must not contain control characters');
  if ([...name].length > Limits.ROOM_NAME_MAX) {
    throw new AppException(
      RoomErrorCode.INVALID_NAME,
      `Room name must be at most ${Limits.ROOM_NAME_MAX} characters`,
    );
  }
  return name;
}

function eventMeta(at: Date): { v: 1; eventId: string; occurredAt: string } {
  return { v: 1, eventId: uuidv7(), occurredAt: at.toISOString() };
}

@Injectable()
export class RoomsService {
  constructor(
    private readonly repo: RoomsRepository,
    private readonly inbox: InboxBindings,
    private readonly events: EventPublisher,
    private readonly config: RoomConfig,
  ) {}

  async create(input: CreateRoomInput): Promise<MemberRoom> {
    const name = normalizeRoomName(input.name);
    const now = new Date();
    const room: RoomEntity = {
      id: uuidv7(),
      kind: input.kind,
      name,
      ownerId: input.actorId,
      memberCount: 1,
      createdAt: now,
    };
    const membership = this.newMembership(room.id, input.actorId, input.actorName, 'owner', now);
    await this.repo.transaction(async (tx) => {
      await tx.insertRoom(room);
      await tx.insertMembership(membership);
    });
    // Nobody else can be in the room yet, so no room event can overtake the announcement.
    await this.inbox.bindRoom(input.actorId, room.id);
    await this.events.publishUserEvent(input.actorId, {
      type: Events.USER_MEMBERSHIP_ADDED,
      ...eventMeta(now),
      userId: input.actorId,
      room: toRoomView(room, 'owner'),
    });
    return { room, membership };
  }

  async join(input: JoinRoomInput): Promise<MemberRoom> {
    const cap = this.config.ROOM_MEMBER_CAP;
    const outcome = await this.repo.transaction(async (tx) => {
      const room = await tx.lockRoom(input.roomId);
      if (!room) throw new AppException(RoomErrorCode.NOT_FOUND, 'Room not found');
      if (room.kind !== 'group')
        throw new AppException(RoomErrorCode.FORBIDDEN, 'This room cannot be joined');
      const existing = await tx.findMembership(room.id, input.actorId);
      if (existing) return { room, membership: existing, joined: false };
      if (room.memberCount >= cap)
        throw new AppException(RoomErrorCode.FULL, `Room is full (at most ${cap} members)`);
      const membership = this.newMembership(room.id, input.actorId, input.actorName, 'member', new Date());
      await tx.insertMembership(membership);
      await tx.incrementMemberCount(room.id);
      return { room: { ...room, memberCount: room.memberCount + 1 }, membership, joined: true };
    });
    const { room, membership } = outcome;

    if (!outcome.joined) {
      // Nothing changed, so nothing is announced. Binding again is a no-op for the broker, and it
      // repairs the inbox when an earlier attempt committed but failed before binding.
      await this.inbox.bindRoom(input.actorId, room.id);
      return { room, membership };
    }

    // The order is what the gateway relies on:
    // 1. `user.membership.added` first: the joiner's devices learn the room before any of its
    //    events can reach them (until step 2 nothing of the room is routed to this user).
    // 2. Bind the room to the joiner's inbox: from now on room events reach their devices.
    // 3. `room.member.joined` last: every member, the joiner included, sees it, and the joiner
    //    never gets an event for a room it was not told about.
    // A crash between the commit and these calls leaves the broker behind the database; bringing
    // the two back in line is owned by the outbox work, and a repeated join re-binds meanwhile.
    await this.events.publishUserEvent(input.actorId, {
      type: Events.USER_MEMBERSHIP_ADDED,
      ...eventMeta(membership.joinedAt),
      userId: input.actorId,
      room: toRoomView(room, membership.role),
    });
    await this.inbox.bindRoom(input.actorId, room.id);
    await this.events.publishRoomEvent(room.id, input.actorId, {
      type: Events.ROOM_MEMBER_JOINED,
      ...eventMeta(membership.joinedAt),
      roomId: room.id,
      userId: membership.userId,
      displayName: membership.displayName,
      role: membership.role,
    });
    return { room, membership };
  }

  async get(actorId: string, roomId: string): Promise<RoomDetail> {
    const membership = await this.requireMember(actorId, roomId);
    const [room, members] = await Promise.all([this.repo.findRoom(roomId), this.repo.listMembers(roomId)]);
    // The membership row's foreign key (ON DELETE CASCADE) means the room existed a moment ago.
    if (!room) throw new AppException(RoomErrorCode.NOT_FOUND, 'Room not found');
    return { room, membership, members };
  }

  async listForUser(userId: string): Promise<MemberRoom[]> {
    const rows = await this.repo.listMembershipsWithRooms(userId);
    return rows.map(({ room, ...membership }) => ({ room, membership }));
  }

  listRoomIds(userId: string): Promise<string[]> {
    return this.repo.listRoomIds(userId);
  }

  /**
   * The guard of every message operation: one primary-key lookup when the actor is a member; a
   * second query only on refusal, to tell an unknown room from someone else's.
   */
  async requireMember(actorId: string, roomId: string): Promise<MembershipEntity> {
    const membership = await this.repo.findMembership(roomId, actorId);
    if (membership) return membership;
    if (!(await this.repo.roomExists(roomId)))
      throw new AppException(RoomErrorCode.NOT_FOUND, 'Room not found');
    throw new AppException(RoomErrorCode.NOT_MEMBER, 'You are not a member of this room');
  }

  private newMembership(
    roomId: string,
    userId: string,
    displayName: string,
    role: MemberRole,
    at: Date,
  ): MembershipEntity {
    return { roomId, userId, displayName, role, joinedAt: at };
  }
}

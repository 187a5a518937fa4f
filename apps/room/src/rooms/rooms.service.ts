import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import {
  Commands,
  CommonErrorCode,
  DomainEvent,
  Events,
  FriendErrorCode,
  HistoryVisibility,
  Limits,
  MemberRole,
  RoomErrorCode,
  RoomImageView,
  RoomKind,
  RoomView,
  UserRole,
} from '@app/contracts';
import { AppException, uuidv7 } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AuditTrail } from '../audit/audit-trail';
import { OutboxOp, OutboxStreams } from '../outbox/outbox-op';
import { OutboxService } from '../outbox/outbox.service';
import { RoomConfig } from '../room.config';
import { InviteLinkEntity } from './entities/invite-link.entity';
import { InviteEntity } from './entities/invite.entity';
import { MembershipEntity } from './entities/membership.entity';
import { RoomEntity } from './entities/room.entity';
import { readRoomImage } from './room-image';
import { toRoomView } from './rooms.mapper';
import { PostingMember, RoomsRepository, RoomsTransaction } from './rooms.repository';

export interface CreateRoomInput {
  actorId: string;
  actorName: string;
  actorRole?: UserRole;
  kind: 'group';
  name: string;
  historyVisibility?: HistoryVisibility;
}

export interface JoinRoomInput {
  actorId: string;
  actorName: string;
  actorRole?: UserRole;
  roomId: string;
  inviteToken?: string;
  alias?: string;
}

/** A room as one member sees it. */
export interface MemberRoom {
  room: RoomEntity;
  membership: MembershipEntity;
}

export interface RoomDetail extends MemberRoom {
  members: MembershipEntity[];
}

export type RemovalReason = 'left' | 'kicked' | 'banned';

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

/** A display name or alias: NFC, trimmed, one line, visible. */
export function normalizeDisplayName(raw: string, field = 'alias'): string {
  const name = raw.normalize('NFC').trim();
  if (!VISIBLE.test(name) || CONTROL.test(name) || [...name].length > Limits.DISPLAY_NAME_MAX) {
    throw new AppException(CommonErrorCode.VALIDATION_FAILED, `Invalid ${field}`, [
      { field, reason: `must be 1-${Limits.DISPLAY_NAME_MAX} visible characters on one line` },
    ]);
  }
  return name;
}

export function eventMeta(at = new Date()): { v: 1; eventId: string; occurredAt: string } {
  return { v: 1, eventId: uuidv7(), occurredAt: at.toISOString() };
}

const RANK: Record<MemberRole, number> = { owner: 3, admin: 2, member: 1 };

/** Member lists wait this long at most for the avatar lookup before going without it. */
const AVATAR_LOOKUP_TIMEOUT_MS = 2_000;
const avatarLog = new Logger('RoomMembers');

/** How finely a topic room's last activity is kept. */
const ACTIVITY_RESOLUTION_MS = 5_000;

/** Owners moderate admins and members; admins moderate members; nobody moderates themselves. */
export function outranks(actor: MemberRole, target: MemberRole): boolean {
  return RANK[actor] > RANK[target];
}

export function isManager(role: MemberRole): boolean {
  return role === 'owner' || role === 'admin';
}

export function hashInviteToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function describeDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/**
 * Rooms and memberships. Every change commits its broker operations (the events that announce
 * it, and a bot's inbox bindings) to the outbox in the same transaction, and is acknowledged
 * only once they are applied: a member receives nothing from a room before their join is
 * committed, and nothing after their removal is acknowledged.
 */
@Injectable()
export class RoomsService {
  constructor(
    private readonly repo: RoomsRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditTrail,
    private readonly config: RoomConfig,
    private readonly rpc: RpcClient,
  ) {}

  /**
   * Which of these members have an avatar (the auth service knows), so clients ask only for
   * pictures that exist. Undefined when auth does not answer in time: members are then listed
   * without it rather than not at all.
   */
  async withAvatar(userIds: string[]): Promise<ReadonlySet<string> | undefined> {
    try {
      const { withAvatar } = await this.rpc.request(
        Commands.AUTH_USERS_AVATARS,
        { userIds },
        { timeoutMs: AVATAR_LOOKUP_TIMEOUT_MS },
      );
      return new Set(withAvatar);
    } catch (err) {
      avatarLog.warn(`member avatars unknown: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** The cap in force for a room without its own. */
  defaultCap(kind: RoomKind): number {
    if (kind === 'topic') return this.config.TOPIC_ROOM_MEMBER_CAP;
    if (kind === 'direct') return 2;
    return this.config.ROOM_MEMBER_CAP;
  }

  view(room: RoomEntity, myRole?: MemberRole): RoomView {
    return toRoomView(room, myRole, this.defaultCap(room.kind));
  }

  /**
   * Run a change in one transaction and return once its awaited outbox ops are applied (see
   * OutboxService.settle). Other contexts (moderation, friends, topics) change rooms through here.
   */
  async change<T>(work: (tx: RoomsTransaction) => Promise<T>): Promise<T> {
    let receipt: RoomsTransaction['outbox']['receipt'] | undefined;
    const result = await this.repo.transaction(async (tx) => {
      const value = await work(tx);
      receipt = tx.outbox.receipt;
      return value;
    });
    if (receipt) await this.outbox.settle(receipt);
    return result;
  }

  async create(input: CreateRoomInput): Promise<MemberRoom> {
    if (input.actorRole === 'guest')
      throw new AppException(RoomErrorCode.GUESTS_NOT_ALLOWED, 'Guests can only join topic rooms');
    const name = normalizeRoomName(input.name);
    return this.change((tx) =>
      this.createRoomIn(tx, {
        kind: 'group',
        name,
        ownerId: input.actorId,
        ownerName: input.actorName,
        historyVisibility: input.historyVisibility,
      }),
    );
  }

  /**
   * Insert a room with its owner (always a person) and queue `user.membership.added` to them; the
   * gateways of their devices bind the room when it arrives, as for any join.
   */
  async createRoomIn(
    tx: RoomsTransaction,
    spec: {
      kind: RoomKind;
      name: string;
      ownerId: string;
      ownerName: string;
      description?: string;
      memberCap?: number;
      directKey?: string;
      historyVisibility?: HistoryVisibility;
    },
  ): Promise<MemberRoom> {
    const now = new Date();
    const room: RoomEntity = {
      id: uuidv7(),
      kind: spec.kind,
      name: spec.name,
      ownerId: spec.ownerId,
      memberCount: 1,
      createdAt: now,
      slowModeSeconds: 0,
      profanityFilter: false,
      historyVisibility: spec.historyVisibility ?? 'shared',
      memberCap: spec.memberCap ?? null,
      description: spec.description ?? null,
      lastActivityAt: null,
      imageUpdatedAt: null,
      directKey: spec.directKey ?? null,
    };
    const role: MemberRole = spec.kind === 'direct' ? 'member' : 'owner';
    const membership = newMembership(room.id, spec.ownerId, spec.ownerName, role, now);
    await tx.insertRoom(room);
    await tx.insertMembership(membership);
    await tx.outbox.add(OutboxStreams.user(spec.ownerId), [
      {
        kind: 'user_event',
        userId: spec.ownerId,
        event: {
          type: Events.USER_MEMBERSHIP_ADDED,
          ...eventMeta(now),
          userId: spec.ownerId,
          room: this.view(room, role),
        },
      },
    ]);
    return { room, membership };
  }

  async join(input: JoinRoomInput): Promise<MemberRoom> {
    const role = input.actorRole ?? 'user';
    const peek = await this.repo.findRoom(input.roomId);
    if (!peek) throw new AppException(RoomErrorCode.NOT_FOUND, 'Room not found');
    const oneRoom = peek.kind === 'topic' && this.config.ONE_ROOM_AT_A_TIME;
    // A room that hides history before one joins: what was said before counts as read, so the
    // newcomer's unread count covers only what they can see. Asked before the join commits; a
    // message appended in between is counted unread rather than lost.
    const seenSeq = peek.historyVisibility === 'joined' ? await this.newestSeq(peek.id) : undefined;

    const outcome = await this.change(async (tx) => {
      const others = oneRoom ? (await tx.topicMemberships(input.actorId)).map((m) => m.roomId) : [];
      const locked = await tx.lockRooms([input.roomId, ...others]);
      const room = locked.find((r) => r.id === input.roomId);
      if (!room) throw new AppException(RoomErrorCode.NOT_FOUND, 'Room not found');
      if (room.kind === 'direct')
        throw new AppException(RoomErrorCode.FORBIDDEN, 'Direct rooms cannot be joined');
      if (room.kind !== 'topic' && role === 'guest')
        throw new AppException(RoomErrorCode.GUESTS_NOT_ALLOWED, 'Guests can only join topic rooms');
      if (input.alias !== undefined && room.kind !== 'topic') {
        throw new AppException(CommonErrorCode.VALIDATION_FAILED, 'Aliases are for topic rooms', [
          { field: 'alias', reason: 'only topic rooms take an alias' },
        ]);
      }

      const existing = await tx.findMembership(room.id, input.actorId);
      if (existing) return { room, membership: existing, joined: false };
      if (await tx.findBan(room.id, input.actorId))
        throw new AppException(RoomErrorCode.BANNED, 'You are banned from this room');
      if (room.kind === 'group') await this.admitToGroup(tx, room, input);
      const cap = room.memberCap ?? this.defaultCap(room.kind);
      if (room.memberCount >= cap)
        throw new AppException(RoomErrorCode.FULL, `Room is full (at most ${cap} members)`);

      if (oneRoom) {
        for (const other of locked) {
          if (other.id === room.id) continue;
          const m = await tx.findMembership(other.id, input.actorId);
          // An owner keeps their room: it cannot be left while others are in it.
          if (m && m.role !== 'owner') await this.removeMemberIn(tx, other, m.userId, 'left', m.userId);
        }
      }

      const displayName = input.alias ? normalizeDisplayName(input.alias) : input.actorName;
      const membership = newMembership(room.id, input.actorId, displayName, 'member', new Date());
      if (input.alias) membership.anonymous = true;
      const joined = { ...room, memberCount: room.memberCount + 1 };
      await this.addMemberIn(tx, joined, membership);
      if (seenSeq && room.historyVisibility === 'joined')
        await tx.startReadPosition(room.id, membership.userId, seenSeq);
      return { room: joined, membership, joined: true };
    });
    // An earlier join that committed but was not acknowledged finishes before this answers.
    if (!outcome.joined) await this.outbox.settleStream(OutboxStreams.user(input.actorId));
    return { room: outcome.room, membership: outcome.membership };
  }

  private async newestSeq(roomId: string): Promise<number> {
    const newest = await this.rpc.request(Commands.HISTORY_PAGE, { roomId, limit: 1 });
    return newest.messages[0]?.seq ?? 0;
  }

  /** A group room admits with a pending invite (consumed) or a live invite link (one use counted). */
  private async admitToGroup(tx: RoomsTransaction, room: RoomEntity, input: JoinRoomInput): Promise<void> {
    if (await tx.deleteInvite(room.id, input.actorId)) return;
    if (!input.inviteToken)
      throw new AppException(RoomErrorCode.INVITE_REQUIRED, 'Joining this room needs an invite');
    const link = await tx.lockInviteLink(hashInviteToken(input.inviteToken));
    const usable =
      link &&
      link.roomId === room.id &&
      !link.revokedAt &&
      link.expiresAt.getTime() > Date.now() &&
      (link.maxUses === null || link.uses < link.maxUses);
    if (!usable) throw new AppException(RoomErrorCode.INVITE_INVALID, 'This invite link is not valid');
    await tx.useInviteLink(link.id);
  }

  /**
   * Insert a membership (the room row is locked and its count already includes the newcomer)
   * and queue, in the newcomer's stream: (1) `user.membership.added`, on which the gateways of
   * their devices bind the room before passing anything of it on, (2) for a bot only, its inbox
   * binding (its durable queue hangs off the inbox), (3) `room.member.joined` to the room.
   * People's inboxes are not bound: gateways bind per room, so RabbitMQ routes a room event once
   * per gateway instead of through one exchange per member.
   */
  async addMemberIn(tx: RoomsTransaction, room: RoomEntity, membership: MembershipEntity): Promise<void> {
    await tx.insertMembership(membership);
    await tx.addToMemberCount(room.id, 1);
    const at = membership.joinedAt;
    const { userId } = membership;
    const added: OutboxOp = {
      kind: 'user_event',
      userId,
      event: {
        type: Events.USER_MEMBERSHIP_ADDED,
        ...eventMeta(at),
        userId,
        room: this.view(room, membership.role),
      },
    };
    const joined: OutboxOp = {
      kind: 'room_event',
      roomId: room.id,
      actorId: userId,
      event: {
        type: Events.ROOM_MEMBER_JOINED,
        ...eventMeta(at),
        roomId: room.id,
        userId,
        displayName: membership.displayName,
        role: membership.role,
      },
    };
    const bind: OutboxOp[] = membership.bot ? [{ kind: 'bind', userId, roomId: room.id }] : [];
    await tx.outbox.add(OutboxStreams.user(userId), [added, ...bind, joined]);
  }

  /**
   * Delete a membership (the room row is locked) and queue, in the member's stream: (1) for a bot
   * only, unbind its inbox, so nothing more of the room reaches its queue, (2)
   * `user.membership.removed` with the reason, (3) `room.member.left|kicked|banned` to the
   * remaining members. Once (2) is confirmed it sits in every gateway queue bound to the member's
   * user key, ahead of anything said later, and gateways drop the member on it: so nothing
   * published after the removal's acknowledgement reaches them.
   */
  async removeMemberIn(
    tx: RoomsTransaction,
    room: RoomEntity,
    userId: string,
    reason: RemovalReason,
    actorId: string,
    reasonText?: string,
  ): Promise<void> {
    const deleted = await tx.deleteMembership(room.id, userId);
    await tx.addToMemberCount(room.id, -1);
    const at = new Date();
    const roomEvent: DomainEvent =
      reason === 'left'
        ? { type: Events.ROOM_MEMBER_LEFT, ...eventMeta(at), roomId: room.id, userId }
        : {
            type: reason === 'kicked' ? Events.ROOM_MEMBER_KICKED : Events.ROOM_MEMBER_BANNED,
            ...eventMeta(at),
            roomId: room.id,
            userId,
            actorId,
            ...(reasonText ? { reason: reasonText } : {}),
          };
    const unbind: OutboxOp[] = deleted?.bot ? [{ kind: 'unbind', userId, roomId: room.id }] : [];
    await tx.outbox.add(OutboxStreams.user(userId), [
      ...unbind,
      {
        kind: 'user_event',
        userId,
        event: { type: Events.USER_MEMBERSHIP_REMOVED, ...eventMeta(at), userId, roomId: room.id, reason },
      },
      { kind: 'room_event', roomId: room.id, actorId, event: roomEvent },
    ]);
  }

  /** Queue an event to everyone in the room (the room's stream: applied in order, awaited). */
  async announceIn(tx: RoomsTransaction, roomId: string, actorId: string, event: DomainEvent): Promise<void> {
    const op: OutboxOp = { kind: 'room_event', roomId, actorId, event };
    await tx.outbox.add(OutboxStreams.room(roomId), [op]);
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

  listRoomIdsOfUsers(userIds: string[]): Promise<Map<string, string[]>> {
    return this.repo.listRoomIdsOfUsers(userIds);
  }

  /**
   * The guard of every message operation: one primary-key lookup when the actor is a member; a
   * second query only on refusal, to tell an unknown room from someone else's.
   */
  async requireMember(actorId: string, roomId: string): Promise<MembershipEntity> {
    const membership = await this.repo.findMembership(roomId, actorId);
    if (membership) return membership;
    return this.refuseNonMember(roomId);
  }

  /**
   * The guard of every read: the membership with its room, whose `historyVisibility` decides
   * from when the member may read (see visibleFrom in messages.service). One query.
   */
  async requireReader(actorId: string, roomId: string): Promise<MembershipEntity & { room: RoomEntity }> {
    const membership = await this.repo.findPostingMember(roomId, actorId);
    if (membership) return membership;
    return this.refuseNonMember(roomId);
  }

  /**
   * The guard of `message.send` (and any other posting): a member who is not muted, not blocked
   * by the other side of a direct room, and not posting faster than the room's slow mode allows
   * (owners and admins are exempt). Passing it counts as posting for slow mode. The membership
   * comes back with its `room` loaded, so the caller can read the room's settings
   * (`room.profanityFilter`) without asking again.
   */
  async assertCanPost(actorId: string, roomId: string): Promise<PostingMember> {
    const membership = await this.repo.findPostingMember(roomId, actorId);
    if (!membership) return this.refuseNonMember(roomId);
    const { room } = membership;
    if (membership.mutedUntil && membership.mutedUntil.getTime() > Date.now()) {
      throw new AppException(
        RoomErrorCode.MUTED,
        `You are muted in this room until ${membership.mutedUntil.toISOString()}`,
        [{ field: 'mutedUntil', reason: membership.mutedUntil.toISOString() }],
      );
    }
    if (membership.directBlocked)
      throw new AppException(FriendErrorCode.BLOCKED, 'You cannot message this user');
    if (room.slowModeSeconds > 0 && !isManager(membership.role)) {
      const wait = await this.repo.claimPostSlot(roomId, actorId, room.slowModeSeconds);
      if (wait !== null) {
        throw new AppException(RoomErrorCode.SLOW_MODE, `Slow mode: wait ${wait} s before posting again`, [
          { field: 'retryAfterSeconds', reason: String(wait) },
        ]);
      }
    }
    if (room.kind === 'topic') await this.touchActivity(roomId);
    return membership;
  }

  /** Topic rooms this instance marked active lately, and when. */
  private readonly activityTouchedAt = new Map<string, number>();

  /**
   * The topic directory sorts by last activity to within a few seconds, so a busy room's row is
   * written at most that often by each instance, instead of a statement per message.
   */
  private async touchActivity(roomId: string): Promise<void> {
    const now = Date.now();
    const last = this.activityTouchedAt.get(roomId);
    if (last !== undefined && now - last < ACTIVITY_RESOLUTION_MS) return;
    if (this.activityTouchedAt.size >= 10_000)
      for (const [id, at] of this.activityTouchedAt)
        if (now - at >= ACTIVITY_RESOLUTION_MS) this.activityTouchedAt.delete(id);
    this.activityTouchedAt.set(roomId, now);
    await this.repo.touchActivity(roomId);
  }

  /** The actor is the room's owner or an admin (for moderation outside this service's own commands). */
  async requireManager(actorId: string, roomId: string): Promise<MembershipEntity> {
    const membership = await this.requireMember(actorId, roomId);
    if (!isManager(membership.role))
      throw new AppException(RoomErrorCode.FORBIDDEN, 'Only the owner or an admin can do this');
    return membership;
  }

  /**
   * For the message operations: a moderator deleted someone's message. Written to the audit log
   * and announced to the room like every moderation action.
   */
  async recordMessageDeletion(
    actorId: string,
    roomId: string,
    messageId: string,
    authorId: string,
  ): Promise<void> {
    await this.change(async (tx) => {
      const room = await this.lockExisting(tx, roomId);
      const actor = await this.managerIn(tx, room, actorId);
      await this.audit.record(tx.manager, tx.outbox, {
        roomId,
        actorId,
        action: 'message.delete',
        targetUserId: authorId,
        targetMessageId: messageId,
        announcement: `${actor.displayName} deleted a message`,
      });
    });
  }

  async rename(actorId: string, roomId: string, rawName: string): Promise<MemberRoom> {
    const name = normalizeRoomName(rawName);
    return this.change(async (tx) => {
      const room = await this.lockExisting(tx, roomId);
      const actor = await this.managerIn(tx, room, actorId);
      if (room.name === name) return { room, membership: actor };
      await tx.updateRoom(roomId, { name });
      const renamed = { ...room, name };
      await this.announceIn(tx, roomId, actorId, {
        type: Events.ROOM_RENAMED,
        ...eventMeta(),
        roomId,
        name,
        actorId,
      });
      await this.audit.record(tx.manager, tx.outbox, {
        roomId,
        actorId,
        action: 'room.rename',
        details: { from: room.name, to: name },
        announcement: `${actor.displayName} renamed the room to “${name}”`,
      });
      return { room: renamed, membership: actor };
    });
  }

  async updateSettings(
    actorId: string,
    roomId: string,
    patch: { slowModeSeconds?: number; profanityFilter?: boolean; historyVisibility?: HistoryVisibility },
  ): Promise<MemberRoom> {
    return this.change(async (tx) => {
      const room = await this.lockExisting(tx, roomId);
      const actor = await this.managerIn(tx, room, actorId);
      const next = {
        slowModeSeconds: patch.slowModeSeconds ?? room.slowModeSeconds,
        profanityFilter: patch.profanityFilter ?? room.profanityFilter,
        historyVisibility: patch.historyVisibility ?? room.historyVisibility,
      };
      if (
        next.slowModeSeconds === room.slowModeSeconds &&
        next.profanityFilter === room.profanityFilter &&
        next.historyVisibility === room.historyVisibility
      )
        return { room, membership: actor };
      await tx.updateRoom(roomId, next);
      const updated = { ...room, ...next };
      await this.announceIn(tx, roomId, actorId, {
        type: Events.ROOM_UPDATED,
        ...eventMeta(),
        room: this.view(updated),
        actorId,
      });
      const said: string[] = [];
      if (next.slowModeSeconds !== room.slowModeSeconds)
        said.push(
          next.slowModeSeconds > 0
            ? `turned on slow mode (one message every ${describeDuration(next.slowModeSeconds)})`
            : 'turned off slow mode',
        );
      if (next.profanityFilter !== room.profanityFilter)
        said.push(`turned ${next.profanityFilter ? 'on' : 'off'} the profanity filter`);
      if (next.historyVisibility !== room.historyVisibility)
        said.push(
          next.historyVisibility === 'joined'
            ? 'hid the history from before each member joined'
            : 'opened the whole history to every member',
        );
      await this.audit.record(tx.manager, tx.outbox, {
        roomId,
        actorId,
        action: 'room.settings',
        details: {
          from: {
            slowModeSeconds: room.slowModeSeconds,
            profanityFilter: room.profanityFilter,
            historyVisibility: room.historyVisibility,
          },
          to: next,
        },
        announcement: `${actor.displayName} ${said.join(' and ')}`,
      });
      return { room: updated, membership: actor };
    });
  }

  async setImage(actorId: string, roomId: string, base64: string): Promise<MemberRoom> {
    const { bytes, contentType } = readRoomImage(base64);
    return this.changeImage(actorId, roomId, { bytes, contentType });
  }

  async removeImage(actorId: string, roomId: string): Promise<MemberRoom> {
    return this.changeImage(actorId, roomId, null);
  }

  private changeImage(
    actorId: string,
    roomId: string,
    image: { bytes: Buffer; contentType: RoomImageView['contentType'] } | null,
  ): Promise<MemberRoom> {
    return this.change(async (tx) => {
      const room = await this.lockExisting(tx, roomId);
      const actor = await this.managerIn(tx, room, actorId);
      if (!image && !room.imageUpdatedAt) return { room, membership: actor };
      // Never earlier than the last version, so the image URL always changes with the image.
      const at = new Date(Math.max(Date.now(), (room.imageUpdatedAt?.getTime() ?? 0) + 1));
      if (image)
        await tx.saveImage({ roomId, contentType: image.contentType, data: image.bytes, updatedAt: at });
      else await tx.deleteImage(roomId);
      const imageUpdatedAt = image ? at : null;
      await tx.updateRoom(roomId, { imageUpdatedAt });
      const updated = { ...room, imageUpdatedAt };
      await this.announceIn(tx, roomId, actorId, {
        type: Events.ROOM_UPDATED,
        ...eventMeta(at),
        room: this.view(updated),
        actorId,
      });
      await this.audit.record(tx.manager, tx.outbox, {
        roomId,
        actorId,
        action: 'room.image',
        details: image ? { contentType: image.contentType, bytes: image.bytes.length } : { removed: true },
        announcement: `${actor.displayName} ${image ? 'changed' : 'removed'} the room image`,
      });
      return { room: updated, membership: actor };
    });
  }

  async getImage(roomId: string): Promise<RoomImageView> {
    const image = await this.repo.findImage(roomId);
    if (!image) throw new AppException(RoomErrorCode.NO_IMAGE, 'This room has no image');
    return {
      contentType: image.contentType,
      data: image.data.toString('base64'),
      updatedAt: image.updatedAt.toISOString(),
    };
  }

  async invite(actorId: string, actorName: string, roomId: string, userId: string): Promise<InviteEntity> {
    return this.change(async (tx) => {
      const room = await this.lockExisting(tx, roomId);
      const actor = await this.managerIn(tx, room, actorId);
      if (room.kind !== 'group')
        throw new AppException(RoomErrorCode.FORBIDDEN, 'Only group rooms take invites');
      if (await tx.findMembership(roomId, userId))
        throw new AppException(RoomErrorCode.ALREADY_MEMBER, 'Already a member of this room');
      if (await tx.findBan(roomId, userId))
        throw new AppException(RoomErrorCode.BANNED, 'This user is banned from the room: unban them first');
      const invite: InviteEntity = {
        roomId,
        userId,
        invitedBy: actorId,
        invitedByName: actor.displayName || actorName,
        createdAt: new Date(),
      };
      await tx.upsertInvite(invite);
      await tx.outbox.add(OutboxStreams.user(userId), [
        {
          kind: 'user_event',
          userId,
          event: {
            type: Events.USER_ROOM_INVITED,
            ...eventMeta(invite.createdAt),
            userId,
            room: this.view(room),
            invitedBy: actorId,
            invitedByName: invite.invitedByName,
          },
        },
      ]);
      return invite;
    });
  }

  async declineInvite(actorId: string, roomId: string): Promise<void> {
    const declined = await this.change((tx) => tx.deleteInvite(roomId, actorId));
    if (!declined) throw new AppException(RoomErrorCode.INVITE_INVALID, 'No pending invite to this room');
  }

  listInvites(actorId: string): Promise<Array<{ invite: InviteEntity; room: RoomEntity }>> {
    return this.repo.listInvitesFor(actorId);
  }

  async createInviteLink(
    actorId: string,
    roomId: string,
    options: { expiresInSeconds?: number; maxUses?: number },
  ): Promise<{ link: InviteLinkEntity; token: string }> {
    return this.change(async (tx) => {
      const room = await this.lockExisting(tx, roomId);
      await this.managerIn(tx, room, actorId);
      if (room.kind !== 'group')
        throw new AppException(RoomErrorCode.FORBIDDEN, 'Only group rooms take invite links');
      const token = randomBytes(24).toString('base64url');
      const now = new Date();
      const link: InviteLinkEntity = {
        id: uuidv7(),
        roomId,
        tokenHash: hashInviteToken(token),
        createdBy: actorId,
        createdAt: now,
        expiresAt: new Date(
          now.getTime() + (options.expiresInSeconds ?? this.config.INVITE_LINK_TTL_SECONDS) * 1000,
        ),
        maxUses: options.maxUses ?? null,
        uses: 0,
        revokedAt: null,
      };
      await tx.insertInviteLink(link);
      return { link, token };
    });
  }

  async revokeInviteLink(actorId: string, roomId: string, linkId: string): Promise<void> {
    await this.change(async (tx) => {
      const room = await this.lockExisting(tx, roomId);
      await this.managerIn(tx, room, actorId);
      if (!(await tx.revokeInviteLink(roomId, linkId, new Date())))
        throw new AppException(RoomErrorCode.INVITE_INVALID, 'No such live invite link in this room');
    });
  }

  /** Owner or admin, as for revoking: the links one could still revoke. */
  async listInviteLinks(actorId: string, roomId: string, includeUsedUp = false): Promise<InviteLinkEntity[]> {
    const membership = await this.repo.findPostingMember(roomId, actorId);
    if (!membership) return this.refuseNonMember(roomId);
    if (membership.room.kind === 'direct')
      throw new AppException(RoomErrorCode.FORBIDDEN, 'Direct rooms have no owners or admins');
    if (!isManager(membership.role))
      throw new AppException(RoomErrorCode.FORBIDDEN, 'Only the owner or an admin can do this');
    return this.repo.listLiveInviteLinks(roomId, new Date(), includeUsedUp);
  }

  async leave(actorId: string, roomId: string): Promise<void> {
    await this.change(async (tx) => {
      const room = await this.lockExisting(tx, roomId);
      const membership = await tx.findMembership(roomId, actorId);
      if (!membership) throw new AppException(RoomErrorCode.NOT_MEMBER, 'You are not a member of this room');
      if (room.kind === 'direct')
        throw new AppException(RoomErrorCode.FORBIDDEN, 'Direct rooms cannot be left');
      if (membership.role === 'owner' && room.memberCount > 1) {
        throw new AppException(
          RoomErrorCode.OWNER_CANNOT_LEAVE,
          'Hand the room to another member (transfer ownership) before leaving',
        );
      }
      await this.removeMemberIn(tx, room, actorId, 'left', actorId);
    });
  }

  async setRole(actorId: string, roomId: string, userId: string, role: 'admin' | 'member'): Promise<void> {
    await this.change(async (tx) => {
      const room = await this.lockExisting(tx, roomId);
      const actor = await this.memberIn(tx, roomId, actorId);
      if (actor.role !== 'owner')
        throw new AppException(RoomErrorCode.FORBIDDEN, 'Only the owner can change roles');
      const target = await this.targetIn(tx, room.id, userId);
      if (target.role === 'owner')
        throw new AppException(RoomErrorCode.FORBIDDEN, 'Transfer ownership to change the owner');
      if (target.role === role) return;
      await tx.updateMembership(roomId, userId, { role });
      await this.announceIn(tx, roomId, actorId, {
        type: Events.ROOM_MEMBER_ROLE_CHANGED,
        ...eventMeta(),
        roomId,
        userId,
        role,
        actorId,
      });
      await this.audit.record(tx.manager, tx.outbox, {
        roomId,
        actorId,
        action: 'member.role',
        targetUserId: userId,
        details: { from: target.role, to: role },
        announcement:
          role === 'admin'
            ? `${actor.displayName} made ${target.displayName} an admin`
            : `${actor.displayName} made ${target.displayName} a regular member`,
      });
    });
  }

  async transferOwnership(actorId: string, roomId: string, userId: string): Promise<void> {
    await this.change(async (tx) => {
      const room = await this.lockExisting(tx, roomId);
      const actor = await this.memberIn(tx, roomId, actorId);
      if (actor.role !== 'owner')
        throw new AppException(RoomErrorCode.FORBIDDEN, 'Only the owner can hand the room over');
      if (userId === actorId) return;
      const target = await this.targetIn(tx, room.id, userId);
      await tx.updateMembership(roomId, userId, { role: 'owner' });
      await tx.updateMembership(roomId, actorId, { role: 'admin' });
      await tx.updateRoom(roomId, { ownerId: userId });
      const at = new Date();
      for (const [who, role] of [
        [userId, 'owner'],
        [actorId, 'admin'],
      ] as const) {
        await this.announceIn(tx, roomId, actorId, {
          type: Events.ROOM_MEMBER_ROLE_CHANGED,
          ...eventMeta(at),
          roomId,
          userId: who,
          role,
          actorId,
        });
      }
      await this.announceIn(tx, roomId, actorId, {
        type: Events.ROOM_UPDATED,
        ...eventMeta(at),
        room: this.view({ ...room, ownerId: userId }),
        actorId,
      });
      await this.audit.record(tx.manager, tx.outbox, {
        roomId,
        actorId,
        action: 'room.owner',
        targetUserId: userId,
        announcement: `${actor.displayName} handed the room over to ${target.displayName}`,
      });
    });
  }

  /** Refusal for someone who is not a member: tell an unknown room from someone else's. */
  private async refuseNonMember(roomId: string): Promise<never> {
    if (!(await this.repo.roomExists(roomId)))
      throw new AppException(RoomErrorCode.NOT_FOUND, 'Room not found');
    throw new AppException(RoomErrorCode.NOT_MEMBER, 'You are not a member of this room');
  }

  /** Lock a room that must exist. */
  async lockExisting(tx: RoomsTransaction, roomId: string): Promise<RoomEntity> {
    const room = await tx.lockRoom(roomId);
    if (!room) throw new AppException(RoomErrorCode.NOT_FOUND, 'Room not found');
    return room;
  }

  /** The actor's membership, inside the transaction. */
  async memberIn(tx: RoomsTransaction, roomId: string, actorId: string): Promise<MembershipEntity> {
    const membership = await tx.findMembership(roomId, actorId);
    if (!membership) throw new AppException(RoomErrorCode.NOT_MEMBER, 'You are not a member of this room');
    return membership;
  }

  /** The actor's membership, which must be an owner's or an admin's of a room that has them. */
  async managerIn(tx: RoomsTransaction, room: RoomEntity, actorId: string): Promise<MembershipEntity> {
    const membership = await this.memberIn(tx, room.id, actorId);
    if (room.kind === 'direct')
      throw new AppException(RoomErrorCode.FORBIDDEN, 'Direct rooms have no owners or admins');
    if (!isManager(membership.role))
      throw new AppException(RoomErrorCode.FORBIDDEN, 'Only the owner or an admin can do this');
    return membership;
  }

  /** The member an action names. */
  async targetIn(tx: RoomsTransaction, roomId: string, userId: string): Promise<MembershipEntity> {
    const target = await tx.findMembership(roomId, userId);
    if (!target)
      throw new AppException(RoomErrorCode.TARGET_NOT_MEMBER, 'That user is not a member of this room');
    return target;
  }
}

export function newMembership(
  roomId: string,
  userId: string,
  displayName: string,
  role: MemberRole,
  at: Date,
): MembershipEntity {
  return {
    roomId,
    userId,
    displayName,
    role,
    joinedAt: at,
    mutedUntil: null,
    lastPostedAt: null,
    anonymous: false,
  };
}

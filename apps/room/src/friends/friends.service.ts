import { Injectable } from '@nestjs/common';
import { Events, FriendErrorCode, FriendListView, FriendState, FriendView, UserRole } from '@app/contracts';
import { AppException } from '@app/common';
import { OutboxStreams } from '../outbox/outbox-op';
import { OutboxWriter } from '../outbox/outbox.repository';
import { MembershipEntity } from '../rooms/entities/membership.entity';
import { eventMeta, MemberRoom, newMembership, RoomsService } from '../rooms/rooms.service';
import { FriendshipEntity } from './entities/friendship.entity';
import { FriendsRepository, FriendsTransaction, orderedPair } from './friends.repository';

export interface Actor {
  actorId: string;
  actorName: string;
  actorRole?: UserRole;
}

function nameOf(f: FriendshipEntity, userId: string): string {
  return f.userLow === userId ? f.lowName : f.highName;
}

/** The other side's view of the friendship, from `userId`'s side. */
function stateFor(f: FriendshipEntity | null, userId: string): FriendState {
  if (!f) return 'none' as const;
  if (f.status === 'accepted') return 'friends';
  return f.requestedBy === userId ? 'outgoing' : 'incoming';
}

/**
 * Friends, blocks and direct rooms. Nothing reaches anyone without their consent: a request
 * waits for an answer, only friends get a direct room, and a block ends the friendship and
 * stops requests and direct messages both ways (the blocked user is not told why).
 */
@Injectable()
export class FriendsService {
  constructor(
    private readonly repo: FriendsRepository,
    private readonly rooms: RoomsService,
  ) {}

  async request(actor: Actor, userId: string): Promise<FriendState> {
    this.refuseGuestsAndSelf(actor, userId);
    return this.rooms.change(async (tx) => {
      const f = await this.pair(tx.manager, actor.actorId, userId);
      if (await f.blockedEitherWay(actor.actorId, userId))
        throw new AppException(FriendErrorCode.BLOCKED, 'You cannot send this user a friend request');
      const existing = await f.findFriendship(actor.actorId, userId);
      if (existing?.status === 'accepted')
        throw new AppException(FriendErrorCode.ALREADY_FRIENDS, 'You are already friends');
      if (existing && existing.requestedBy === actor.actorId) return 'outgoing';
      if (existing) return this.acceptIn(f, tx.outbox, existing, actor);
      const [userLow, userHigh] = orderedPair(actor.actorId, userId);
      const request: FriendshipEntity = {
        userLow,
        userHigh,
        status: 'pending',
        requestedBy: actor.actorId,
        lowName: userLow === actor.actorId ? actor.actorName : '',
        highName: userHigh === actor.actorId ? actor.actorName : '',
        createdAt: new Date(),
        acceptedAt: null,
      };
      await f.saveFriendship(request);
      await this.tell(tx.outbox, request, actor.actorId, userId);
      return 'outgoing';
    });
  }

  async accept(actor: Actor, userId: string): Promise<FriendState> {
    this.refuseGuestsAndSelf(actor, userId);
    return this.rooms.change(async (tx) => {
      const f = await this.pair(tx.manager, actor.actorId, userId);
      const existing = await f.findFriendship(actor.actorId, userId);
      if (existing?.status === 'accepted') return 'friends';
      if (!existing || existing.requestedBy !== userId)
        throw new AppException(FriendErrorCode.NO_REQUEST, 'This user has not asked to be your friend');
      return this.acceptIn(f, tx.outbox, existing, actor);
    });
  }

  async decline(actorId: string, userId: string): Promise<FriendState> {
    return this.endPending(actorId, userId, 'incoming');
  }

  async cancel(actorId: string, userId: string): Promise<FriendState> {
    return this.endPending(actorId, userId, 'outgoing');
  }

  async remove(actorId: string, userId: string): Promise<FriendState> {
    return this.rooms.change(async (tx) => {
      const f = await this.pair(tx.manager, actorId, userId);
      const existing = await f.findFriendship(actorId, userId);
      if (existing?.status !== 'accepted')
        throw new AppException(FriendErrorCode.NOT_FRIENDS, 'You are not friends');
      await f.deleteFriendship(actorId, userId);
      await this.tell(tx.outbox, null, actorId, userId);
      return 'none' as const;
    });
  }

  async block(actorId: string, userId: string): Promise<void> {
    if (actorId === userId) throw new AppException(FriendErrorCode.SELF, 'You cannot block yourself');
    await this.rooms.change(async (tx) => {
      const f = await this.pair(tx.manager, actorId, userId);
      await f.insertBlock({ blockerId: actorId, blockedId: userId, createdAt: new Date() });
      if (await f.findFriendship(actorId, userId)) {
        await f.deleteFriendship(actorId, userId);
        await this.tell(tx.outbox, null, actorId, userId);
      }
    });
  }

  async unblock(actorId: string, userId: string): Promise<void> {
    await this.rooms.change(async (tx) => {
      const f = await this.pair(tx.manager, actorId, userId);
      await f.deleteBlock(actorId, userId);
    });
  }

  async list(actorId: string): Promise<FriendListView> {
    const [friendships, blocks] = await Promise.all([
      this.repo.listFriendships(actorId),
      this.repo.listBlocks(actorId),
    ]);
    const view: FriendListView = { friends: [], incoming: [], outgoing: [], blocked: [] };
    for (const f of friendships) {
      const other = f.userLow === actorId ? f.userHigh : f.userLow;
      const state = stateFor(f, actorId);
      const item: FriendView = {
        userId: other,
        displayName: nameOf(f, other),
        state: state as FriendView['state'],
        since: (f.acceptedAt ?? f.createdAt).toISOString(),
      };
      if (state === 'friends') view.friends.push(item);
      else if (state === 'incoming') view.incoming.push(item);
      else view.outgoing.push(item);
    }
    view.blocked = blocks.map((b) => ({ userId: b.blockedId, since: b.createdAt.toISOString() }));
    return view;
  }

  /**
   * The pair's direct room, created on first use: friends only, neither blocking the other.
   * One room per pair (a unique key on the room), whoever asks first and however often.
   */
  async openDirect(actor: Actor, userId: string): Promise<MemberRoom> {
    this.refuseGuestsAndSelf(actor, userId);
    return this.rooms.change(async (tx) => {
      const f = await this.pair(tx.manager, actor.actorId, userId);
      if (await f.blockedEitherWay(actor.actorId, userId))
        throw new AppException(FriendErrorCode.BLOCKED, 'You cannot message this user');
      const friendship = await f.findFriendship(actor.actorId, userId);
      if (friendship?.status !== 'accepted')
        throw new AppException(FriendErrorCode.NOT_FRIENDS, 'Direct messages are between friends');
      const [low, high] = orderedPair(actor.actorId, userId);
      const directKey = `${low}:${high}`;
      const existing = await tx.findDirectRoom(directKey);
      if (existing)
        return { room: existing, membership: await this.rooms.memberIn(tx, existing.id, actor.actorId) };
      const otherName = nameOf(friendship, userId) || 'Friend';
      const { room, membership } = await this.rooms.createRoomIn(tx, {
        kind: 'direct',
        name: `${actor.actorName} & ${otherName}`,
        ownerId: actor.actorId,
        ownerName: actor.actorName,
        directKey,
      });
      const other: MembershipEntity = newMembership(room.id, userId, otherName, 'member', room.createdAt);
      const full = { ...room, memberCount: 2 };
      await this.rooms.addMemberIn(tx, full, other);
      return { room: full, membership };
    });
  }

  private refuseGuestsAndSelf(actor: Actor, userId: string): void {
    if (actor.actorRole === 'guest')
      throw new AppException(FriendErrorCode.GUESTS_NOT_ALLOWED, 'Guests cannot add friends: register first');
    if (actor.actorId === userId) throw new AppException(FriendErrorCode.SELF, 'That is you');
  }

  private async pair(
    manager: FriendsTransaction['manager'],
    a: string,
    b: string,
  ): Promise<FriendsTransaction> {
    const f = this.repo.within(manager);
    await f.lockPair(a, b);
    return f;
  }

  private async acceptIn(
    f: FriendsTransaction,
    outbox: OutboxWriter,
    request: FriendshipEntity,
    actor: Actor,
  ): Promise<FriendState> {
    const accepted: FriendshipEntity = {
      ...request,
      status: 'accepted',
      acceptedAt: new Date(),
      lowName: request.userLow === actor.actorId ? actor.actorName : request.lowName,
      highName: request.userHigh === actor.actorId ? actor.actorName : request.highName,
    };
    await f.saveFriendship(accepted);
    const other = request.requestedBy;
    await this.tell(outbox, accepted, actor.actorId, other);
    return 'friends';
  }

  private async endPending(
    actorId: string,
    userId: string,
    expected: 'incoming' | 'outgoing',
  ): Promise<FriendState> {
    return this.rooms.change(async (tx) => {
      const f = await this.pair(tx.manager, actorId, userId);
      const existing = await f.findFriendship(actorId, userId);
      if (stateFor(existing, actorId) !== expected)
        throw new AppException(FriendErrorCode.NO_REQUEST, 'There is no such pending request');
      await f.deleteFriendship(actorId, userId);
      await this.tell(tx.outbox, null, actorId, userId);
      return 'none' as const;
    });
  }

  /** Tell both sides (all their devices) where they now stand. */
  private async tell(outbox: OutboxWriter, f: FriendshipEntity | null, a: string, b: string): Promise<void> {
    const at = new Date();
    for (const [me, other] of [
      [a, b],
      [b, a],
    ]) {
      const otherName = f ? nameOf(f, other) : undefined;
      await outbox.add(OutboxStreams.user(me), [
        {
          kind: 'user_event',
          userId: me,
          event: {
            type: Events.USER_FRIENDSHIP_CHANGED,
            ...eventMeta(at),
            userId: me,
            otherUserId: other,
            ...(otherName ? { otherDisplayName: otherName } : {}),
            state: stateFor(f, me),
          },
        },
      ]);
    }
  }
}

import { Injectable } from '@nestjs/common';
import { Events, Limits, RoomErrorCode, TopicProposalStatus, UserRole } from '@app/contracts';
import { AppException, uuidv7 } from '@app/common';
import { OutboxStreams } from '../outbox/outbox-op';
import { RoomEntity } from '../rooms/entities/room.entity';
import { RoomsRepository } from '../rooms/rooms.repository';
import { eventMeta, MemberRoom, normalizeRoomName, RoomsService } from '../rooms/rooms.service';
import { TopicProposalEntity } from './entities/topic-proposal.entity';
import { toProposalView } from './topics.mapper';
import { TopicsRepository } from './topics.repository';

export interface TopicActor {
  actorId: string;
  actorName: string;
  actorRole?: UserRole;
}

function cleanText(raw: string | undefined): string | undefined {
  const text = raw?.normalize('NFC').trim();
  return text ? text : undefined;
}

/**
 * Topic rooms: public, listed in a directory, created by site admins (token role `admin`), who
 * also decide on the topics anyone registered proposes. Joining one is `room.join` (guests too).
 */
@Injectable()
export class TopicsService {
  constructor(
    private readonly repo: TopicsRepository,
    private readonly roomsRepo: RoomsRepository,
    private readonly rooms: RoomsService,
  ) {}

  directory(query: string | undefined, limit: number = Limits.PAGE_DEFAULT): Promise<RoomEntity[]> {
    return this.roomsRepo.topicDirectory(query, limit);
  }

  async create(
    actor: TopicActor,
    name: string,
    description?: string,
    memberCap?: number,
  ): Promise<MemberRoom> {
    this.requireSiteAdmin(actor.actorRole, 'Only admins create topic rooms');
    const clean = normalizeRoomName(name);
    return this.rooms.change((tx) =>
      this.rooms.createRoomIn(tx, {
        kind: 'topic',
        name: clean,
        ownerId: actor.actorId,
        ownerName: actor.actorName,
        description: cleanText(description),
        memberCap,
      }),
    );
  }

  async propose(actor: TopicActor, name: string, description?: string): Promise<TopicProposalEntity> {
    if (actor.actorRole === 'guest')
      throw new AppException(
        RoomErrorCode.GUESTS_NOT_ALLOWED,
        'Guests cannot propose topics: register first',
      );
    const proposal: TopicProposalEntity = {
      id: uuidv7(),
      name: normalizeRoomName(name),
      description: cleanText(description) ?? null,
      proposerId: actor.actorId,
      proposerName: actor.actorName,
      status: 'pending',
      reason: null,
      decidedBy: null,
      decidedAt: null,
      roomId: null,
      createdAt: new Date(),
    };
    await this.repo.insertProposal(proposal);
    return proposal;
  }

  listProposals(
    actorId: string,
    role: UserRole | undefined,
    status?: TopicProposalStatus,
  ): Promise<TopicProposalEntity[]> {
    return this.repo.listProposals(role === 'admin' ? { status } : { proposerId: actorId, status });
  }

  async approve(
    actor: TopicActor,
    proposalId: string,
  ): Promise<{ proposal: TopicProposalEntity; room: MemberRoom }> {
    this.requireSiteAdmin(actor.actorRole, 'Only admins approve topics');
    return this.rooms.change(async (tx) => {
      const proposal = await this.pending(tx.manager, proposalId);
      const room = await this.rooms.createRoomIn(tx, {
        kind: 'topic',
        name: proposal.name,
        ownerId: actor.actorId,
        ownerName: actor.actorName,
        description: proposal.description ?? undefined,
      });
      const decided: TopicProposalEntity = {
        ...proposal,
        status: 'approved',
        decidedBy: actor.actorId,
        decidedAt: new Date(),
        roomId: room.room.id,
      };
      await this.repo.saveDecision(tx.manager, decided);
      await this.tellProposer(tx.outbox, decided);
      return { proposal: decided, room };
    });
  }

  async reject(
    actor: Pick<TopicActor, 'actorId' | 'actorRole'>,
    proposalId: string,
    reason: string,
  ): Promise<TopicProposalEntity> {
    this.requireSiteAdmin(actor.actorRole, 'Only admins reject topics');
    return this.rooms.change(async (tx) => {
      const proposal = await this.pending(tx.manager, proposalId);
      const decided: TopicProposalEntity = {
        ...proposal,
        status: 'rejected',
        reason: reason.normalize('NFC').trim(),
        decidedBy: actor.actorId,
        decidedAt: new Date(),
      };
      await this.repo.saveDecision(tx.manager, decided);
      await this.tellProposer(tx.outbox, decided);
      return decided;
    });
  }

  private requireSiteAdmin(role: UserRole | undefined, message: string): void {
    if (role !== 'admin') throw new AppException(RoomErrorCode.FORBIDDEN, message);
  }

  private async pending(
    manager: Parameters<TopicsRepository['lockProposal']>[0],
    id: string,
  ): Promise<TopicProposalEntity> {
    const proposal = await this.repo.lockProposal(manager, id);
    if (!proposal) throw new AppException(RoomErrorCode.PROPOSAL_NOT_FOUND, 'No such topic proposal');
    if (proposal.status !== 'pending')
      throw new AppException(RoomErrorCode.PROPOSAL_DECIDED, `This proposal was already ${proposal.status}`);
    return proposal;
  }

  private async tellProposer(
    outbox: Parameters<RoomsService['createRoomIn']>[0]['outbox'],
    p: TopicProposalEntity,
  ): Promise<void> {
    await outbox.add(OutboxStreams.user(p.proposerId), [
      {
        kind: 'user_event',
        userId: p.proposerId,
        event: {
          type: Events.USER_TOPIC_PROPOSAL_DECIDED,
          ...eventMeta(p.decidedAt ?? new Date()),
          userId: p.proposerId,
          proposal: toProposalView(p),
        },
      },
    ]);
  }
}

import { Injectable } from '@nestjs/common';
import {
  ApproveTopicCommand,
  CommandResults,
  Commands,
  CreateTopicCommand,
  ListTopicProposalsCommand,
  ProposeTopicCommand,
  RejectTopicCommand,
  RoomView,
  TopicDirectoryCommand,
  TopicProposalView,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { RoomsService } from '../rooms/rooms.service';
import { toProposalView } from './topics.mapper';
import { TopicsService } from './topics.service';

@Injectable()
export class TopicsHandler {
  constructor(
    private readonly topics: TopicsService,
    private readonly rooms: RoomsService,
  ) {}

  @CommandHandler(Commands.TOPIC_DIRECTORY)
  async directory(cmd: TopicDirectoryCommand): Promise<{ rooms: RoomView[] }> {
    const rooms = await this.topics.directory(cmd.query, cmd.limit);
    return { rooms: rooms.map((r) => this.rooms.view(r)) };
  }

  @CommandHandler(Commands.TOPIC_CREATE)
  async create(cmd: CreateTopicCommand): Promise<RoomView> {
    const { room, membership } = await this.topics.create(cmd, cmd.name, cmd.description, cmd.memberCap);
    return this.rooms.view(room, membership.role);
  }

  @CommandHandler(Commands.TOPIC_PROPOSE)
  async propose(cmd: ProposeTopicCommand): Promise<TopicProposalView> {
    return toProposalView(await this.topics.propose(cmd, cmd.name, cmd.description));
  }

  @CommandHandler(Commands.TOPIC_PROPOSALS_LIST)
  async proposals(cmd: ListTopicProposalsCommand): Promise<{ proposals: TopicProposalView[] }> {
    const list = await this.topics.listProposals(cmd.actorId, cmd.actorRole, cmd.status);
    return { proposals: list.map(toProposalView) };
  }

  @CommandHandler(Commands.TOPIC_PROPOSAL_APPROVE)
  async approve(cmd: ApproveTopicCommand): Promise<CommandResults[typeof Commands.TOPIC_PROPOSAL_APPROVE]> {
    const { proposal, room } = await this.topics.approve(cmd, cmd.proposalId);
    return { proposal: toProposalView(proposal), room: this.rooms.view(room.room, room.membership.role) };
  }

  @CommandHandler(Commands.TOPIC_PROPOSAL_REJECT)
  async reject(cmd: RejectTopicCommand): Promise<TopicProposalView> {
    return toProposalView(await this.topics.reject(cmd, cmd.proposalId, cmd.reason));
  }
}

import { Equals, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsId } from '../ids';
import { Limits } from '../limits';
import type { RoomView, UserRole } from '../views';
import { ActorName, ActorRole, RoomNameField, ShortText } from '../rooms/fields';
import type { TopicProposalStatus, TopicProposalView } from './views';

export * from './views';

export const TOPIC_DESCRIPTION_MAX = 500;
export const TOPIC_REJECT_REASON_MAX = 500;
export const TOPIC_MEMBER_CAP_MAX = 10000;

/**
 * Topic rooms (queue `happychat.room.commands`): public rooms listed in a directory. Site admins
 * (token role `admin`) create them and decide on the topics people propose. Anyone, guests too,
 * may join one (`room.join`) up to its member cap.
 */
export const TopicCommands = {
  TOPIC_DIRECTORY: 'topic.directory',
  TOPIC_CREATE: 'topic.create',
  TOPIC_PROPOSE: 'topic.propose',
  TOPIC_PROPOSALS_LIST: 'topic.proposals.list',
  TOPIC_PROPOSAL_APPROVE: 'topic.proposal.approve',
  TOPIC_PROPOSAL_REJECT: 'topic.proposal.reject',
} as const;
const C = TopicCommands;

/** Topic rooms with their member counts and last activity, the busiest recent ones first. */
export class TopicDirectoryCommand {
  static readonly TYPE = C.TOPIC_DIRECTORY;
  @Equals(C.TOPIC_DIRECTORY) type: typeof C.TOPIC_DIRECTORY;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  /** Case-insensitive part of the name. */
  @IsOptional() @IsString() @MaxLength(Limits.ROOM_NAME_MAX) query?: string;
  @IsOptional() @IsInt() @Min(1) @Max(Limits.PAGE_MAX) limit?: number;
}

/** Site admins only; the admin becomes the room's owner. */
export class CreateTopicCommand {
  static readonly TYPE = C.TOPIC_CREATE;
  @Equals(C.TOPIC_CREATE) type: typeof C.TOPIC_CREATE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @ActorName() actorName: string;
  @ActorRole() actorRole?: UserRole;
  @RoomNameField() name: string;
  @IsOptional() @ShortText(TOPIC_DESCRIPTION_MAX) description?: string;
  /** Default TOPIC_ROOM_MEMBER_CAP. */
  @IsOptional() @IsInt() @Min(2) @Max(TOPIC_MEMBER_CAP_MAX) memberCap?: number;
}

/** Any registered user (not a guest). */
export class ProposeTopicCommand {
  static readonly TYPE = C.TOPIC_PROPOSE;
  @Equals(C.TOPIC_PROPOSE) type: typeof C.TOPIC_PROPOSE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @ActorName() actorName: string;
  @ActorRole() actorRole?: UserRole;
  @RoomNameField() name: string;
  @IsOptional() @ShortText(TOPIC_DESCRIPTION_MAX) description?: string;
}

/** Admins see every proposal; others see their own. */
export class ListTopicProposalsCommand {
  static readonly TYPE = C.TOPIC_PROPOSALS_LIST;
  @Equals(C.TOPIC_PROPOSALS_LIST) type: typeof C.TOPIC_PROPOSALS_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @ActorRole() actorRole?: UserRole;
  @IsOptional() @IsIn(['pending', 'approved', 'rejected']) status?: TopicProposalStatus;
}

/** Site admins only: creates the topic room (the approving admin owns it). */
export class ApproveTopicCommand {
  static readonly TYPE = C.TOPIC_PROPOSAL_APPROVE;
  @Equals(C.TOPIC_PROPOSAL_APPROVE) type: typeof C.TOPIC_PROPOSAL_APPROVE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @ActorName() actorName: string;
  @ActorRole() actorRole?: UserRole;
  @IsId() proposalId: string;
}

/** Site admins only, with a reason the proposer is told. */
export class RejectTopicCommand {
  static readonly TYPE = C.TOPIC_PROPOSAL_REJECT;
  @Equals(C.TOPIC_PROPOSAL_REJECT) type: typeof C.TOPIC_PROPOSAL_REJECT;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @ActorRole() actorRole?: UserRole;
  @IsId() proposalId: string;
  @ShortText(TOPIC_REJECT_REASON_MAX) reason: string;
}

export interface TopicCommandResults {
  [C.TOPIC_DIRECTORY]: { rooms: RoomView[] };
  [C.TOPIC_CREATE]: RoomView;
  [C.TOPIC_PROPOSE]: TopicProposalView;
  [C.TOPIC_PROPOSALS_LIST]: { proposals: TopicProposalView[] };
  [C.TOPIC_PROPOSAL_APPROVE]: { proposal: TopicProposalView; room: RoomView };
  [C.TOPIC_PROPOSAL_REJECT]: TopicProposalView;
}

export const TopicCommandClasses = {
  [C.TOPIC_DIRECTORY]: TopicDirectoryCommand,
  [C.TOPIC_CREATE]: CreateTopicCommand,
  [C.TOPIC_PROPOSE]: ProposeTopicCommand,
  [C.TOPIC_PROPOSALS_LIST]: ListTopicProposalsCommand,
  [C.TOPIC_PROPOSAL_APPROVE]: ApproveTopicCommand,
  [C.TOPIC_PROPOSAL_REJECT]: RejectTopicCommand,
} as const;

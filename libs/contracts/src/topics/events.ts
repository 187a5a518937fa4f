import type { EventBase } from '../event-base';
import type { TopicProposalView } from './views';

export const TopicEvents = {
  /** To the proposer: an admin approved (with the new room's id) or rejected (with a reason). */
  USER_TOPIC_PROPOSAL_DECIDED: 'user.topic_proposal.decided',
} as const;

export interface UserTopicProposalDecidedEvent extends EventBase {
  type: typeof TopicEvents.USER_TOPIC_PROPOSAL_DECIDED;
  userId: string;
  proposal: TopicProposalView;
}

export type TopicDomainEvent = UserTopicProposalDecidedEvent;

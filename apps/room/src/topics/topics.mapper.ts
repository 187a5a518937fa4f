import type { TopicProposalView } from '@app/contracts';
import type { TopicProposalEntity } from './entities/topic-proposal.entity';

export function toProposalView(p: TopicProposalEntity): TopicProposalView {
  const view: TopicProposalView = {
    id: p.id,
    name: p.name,
    proposerId: p.proposerId,
    proposerName: p.proposerName,
    status: p.status,
    createdAt: p.createdAt.toISOString(),
  };
  if (p.description) view.description = p.description;
  if (p.reason) view.reason = p.reason;
  if (p.decidedBy) view.decidedBy = p.decidedBy;
  if (p.decidedAt) view.decidedAt = p.decidedAt.toISOString();
  if (p.roomId) view.roomId = p.roomId;
  return view;
}

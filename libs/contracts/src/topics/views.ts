export type TopicProposalStatus = 'pending' | 'approved' | 'rejected';

export interface TopicProposalView {
  id: string;
  name: string;
  description?: string;
  proposerId: string;
  proposerName: string;
  status: TopicProposalStatus;
  /** Why it was rejected. */
  reason?: string;
  decidedBy?: string;
  decidedAt?: string;
  /** The topic room an approval created. */
  roomId?: string;
  createdAt: string;
}

import { HistoryLimits, MessageView, ReadSpanView } from '@app/contracts';

/**
 * What history answers to `history.read.span` for one room's log (in seq order), for stubs of
 * history: the read clamped to the newest seq, and the authors of the visible messages it covers.
 */
export function readSpanOf(
  log: Array<Pick<MessageView, 'seq' | 'senderId' | 'kind' | 'deletedAt'>>,
  afterSeq: number,
  seq: number,
): ReadSpanView {
  const upTo = Math.min(seq, log[log.length - 1]?.seq ?? 0);
  const covered = log.filter((m) => m.seq > afterSeq && m.seq <= upTo);
  if (covered.length > HistoryLimits.READ_SPAN_MAX) return { upTo, authors: null };
  const visible = covered.filter((m) => m.kind !== 'system' && !m.deletedAt);
  return { upTo, authors: [...new Set(visible.map((m) => m.senderId))] };
}

import type {
  AttachmentView,
  MessagePageView,
  MessageView,
  ReactionView,
  RoomSummaryView,
} from '@app/contracts';
import type { MessagePage, ReactionCount, RoomSummary, StoredMessage } from './store/history-store';

/** Optional fields appear only when they say something: editedAt/deletedAt/replyToId when set, reactions when loaded. */
export function toMessageView(m: StoredMessage): MessageView {
  const view: MessageView = {
    id: m.id,
    roomId: m.roomId,
    seq: m.seq,
    senderId: m.senderId,
    kind: m.kind,
    content: m.content,
    clientMsgId: m.clientMsgId,
    createdAt: m.createdAt.toISOString(),
    attachments: m.attachments.map((a) => {
      const view: AttachmentView = { id: a.id, name: a.name, mimeType: a.mimeType, size: a.size };
      if (a.width && a.height) Object.assign(view, { width: a.width, height: a.height });
      return view;
    }),
  };
  if (m.editedAt) view.editedAt = m.editedAt.toISOString();
  if (m.deletedAt) view.deletedAt = m.deletedAt.toISOString();
  if (m.replyToId) view.replyToId = m.replyToId;
  if (m.reactions) view.reactions = m.reactions.map(toReactionView);
  if (m.effects.length > 0 && !m.deletedAt) view.effects = m.effects;
  return view;
}

export function toReactionView(r: ReactionCount): ReactionView {
  return { emoji: r.emoji, count: r.count, me: r.me };
}

export function toPageView(page: MessagePage): MessagePageView {
  const view: MessagePageView = { messages: page.messages.map(toMessageView), hasMore: page.hasMore };
  if (page.hasMoreBefore !== undefined) view.hasMoreBefore = page.hasMoreBefore;
  if (page.hasMoreAfter !== undefined) view.hasMoreAfter = page.hasMoreAfter;
  return view;
}

export function toSummaryView(s: RoomSummary): RoomSummaryView {
  const view: RoomSummaryView = { roomId: s.roomId, lastSeq: s.lastSeq };
  if (s.lastMessage) view.lastMessage = toMessageView(s.lastMessage);
  return view;
}

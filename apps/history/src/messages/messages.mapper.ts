import type { MessageView } from '@app/contracts';
import type { StoredMessage } from './store/history-store';

export function toMessageView(m: StoredMessage): MessageView {
  return {
    id: m.id,
    roomId: m.roomId,
    seq: m.seq,
    senderId: m.senderId,
    kind: m.kind,
    content: m.content,
    clientMsgId: m.clientMsgId,
    createdAt: m.createdAt.toISOString(),
  };
}

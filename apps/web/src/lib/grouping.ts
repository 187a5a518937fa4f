import type { AttachmentView, MessageView } from '@app/contracts/views';
import type { PendingMessage } from '../state/types';
import { dayKey } from './format';

export type DeliveryStatus = 'sent' | 'pending' | 'failed';

/** A stored or pending message, as the list shows it. */
export interface DisplayMessage {
  key: string;
  /** The user the key was computed for. */
  mineKey: string;
  seq?: number;
  /** The stored message (absent while pending). */
  stored?: MessageView;
  clientMsgId: string;
  senderId: string;
  content: string;
  /** Images of an image message (stored or pending). */
  attachments?: AttachmentView[];
  createdAt: string;
  replyToId?: string;
  status: DeliveryStatus;
  error?: string;
}

export type Row =
  | { kind: 'day'; key: string; at: string }
  | { kind: 'divider'; key: string }
  | { kind: 'system'; key: string; message: DisplayMessage }
  | {
      kind: 'message';
      key: string;
      message: DisplayMessage;
      mine: boolean;
      /** First of a run from the same sender: show name and avatar. */
      startsGroup: boolean;
      /** Last of a run within the same minute: show the time. */
      showTime: boolean;
    };

const GROUP_GAP_MS = 5 * 60 * 1000;

// Same input object, same output object: memoised rows do not re-render.
const storedCache = new WeakMap<MessageView, DisplayMessage>();
const pendingCache = new WeakMap<PendingMessage, DisplayMessage>();

export function toDisplay(
  messages: MessageView[],
  pending: PendingMessage[],
  myId: string,
): DisplayMessage[] {
  const stored = messages.map((m) => {
    let d = storedCache.get(m);
    if (!d || d.mineKey !== myId) {
      d = {
        // My messages are keyed by clientMsgId so a pending bubble keeps its element when acked.
        key: m.senderId === myId ? `c:${m.clientMsgId}` : `m:${m.id}`,
        mineKey: myId,
        seq: m.seq,
        stored: m,
        clientMsgId: m.clientMsgId,
        senderId: m.senderId,
        content: m.content,
        attachments: m.attachments?.length ? m.attachments : undefined,
        createdAt: m.createdAt,
        replyToId: m.replyToId,
        status: 'sent',
      };
      storedCache.set(m, d);
    }
    return d;
  });
  const storedIds = new Set(messages.filter((m) => m.senderId === myId).map((m) => m.clientMsgId));
  const waiting = pending
    .filter((p) => !storedIds.has(p.clientMsgId))
    .map((p) => {
      let d = pendingCache.get(p);
      if (!d) {
        d = {
          key: `c:${p.clientMsgId}`,
          mineKey: myId,
          clientMsgId: p.clientMsgId,
          senderId: myId,
          content: p.content,
          attachments: p.attachments,
          createdAt: p.createdAt,
          replyToId: p.replyToId,
          status: p.status,
          error: p.error,
        };
        pendingCache.set(p, d);
      }
      return d;
    });
  return stored.concat(waiting);
}

function minuteOf(iso: string): number {
  return Math.floor(Date.parse(iso) / 60_000);
}

const isSystem = (m: DisplayMessage | undefined) => m?.stored?.kind === 'system';

/**
 * Day separators, sender runs the way messengers lay out a conversation, system lines, and a
 * "new messages" divider before the first message from someone else past `readSeq`.
 */
export function buildRows(items: DisplayMessage[], myId: string, readSeq?: number): Row[] {
  const rows: Row[] = [];
  let dividerPlaced = readSeq === undefined;
  for (let i = 0; i < items.length; i++) {
    const m = items[i];
    const prev = items[i - 1];
    const next = items[i + 1];
    const day = dayKey(m.createdAt);
    const newDay = !prev || dayKey(prev.createdAt) !== day;
    if (newDay) rows.push({ kind: 'day', key: `day:${day}:${m.key}`, at: m.createdAt });
    let divided = false;
    if (!dividerPlaced && m.seq !== undefined && m.seq > (readSeq as number) && m.senderId !== myId) {
      rows.push({ kind: 'divider', key: 'divider' });
      dividerPlaced = true;
      divided = true;
    }
    if (isSystem(m)) {
      rows.push({ kind: 'system', key: m.key, message: m });
      continue;
    }
    const startsGroup =
      newDay ||
      divided ||
      isSystem(prev) ||
      prev.senderId !== m.senderId ||
      Date.parse(m.createdAt) - Date.parse(prev.createdAt) > GROUP_GAP_MS;
    const showTime =
      !next ||
      isSystem(next) ||
      next.senderId !== m.senderId ||
      dayKey(next.createdAt) !== day ||
      minuteOf(next.createdAt) !== minuteOf(m.createdAt) ||
      next.status !== m.status;
    rows.push({ kind: 'message', key: m.key, message: m, mine: m.senderId === myId, startsGroup, showTime });
  }
  return rows;
}

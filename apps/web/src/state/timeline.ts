import type { MessageView } from '@app/contracts/views';
import type { PendingMessage, Timeline } from './types';

/** Pure functions over one room's timeline. Every one returns a new object when something changed. */

export function emptyTimeline(): Timeline {
  return { messages: [], pending: [], status: 'loading', hasMoreOlder: false, loadingOlder: false };
}

export function lastSeq(tl: Timeline): number {
  return tl.messages.length ? tl.messages[tl.messages.length - 1].seq : 0;
}

export function firstSeq(tl: Timeline): number | null {
  return tl.messages.length ? tl.messages[0].seq : null;
}

/**
 * Adds stored messages: one per seq and per id, ascending by seq. A pending message of mine with the
 * same clientMsgId is the same message, so it leaves the pending list.
 */
export function mergeMessages(tl: Timeline, incoming: MessageView[], myUserId: string): Timeline {
  if (incoming.length === 0) return tl;
  const bySeq = new Map<number, MessageView>();
  const ids = new Set<string>();
  for (const m of tl.messages) {
    bySeq.set(m.seq, m);
    ids.add(m.id);
  }
  let changed = false;
  for (const m of incoming) {
    if (ids.has(m.id)) {
      // Held already: take the newer state (an edit or delete we missed, fresh reaction counts).
      const held = bySeq.get(m.seq);
      if (held && held.id === m.id && differs(held, m) && !(held.deletedAt && !m.deletedAt)) {
        bySeq.set(m.seq, { ...m, effects: held.effects ?? m.effects });
        changed = true;
      }
      continue;
    }
    const existing = bySeq.get(m.seq);
    if (existing) ids.delete(existing.id);
    bySeq.set(m.seq, m);
    ids.add(m.id);
    changed = true;
  }

  const mine = new Set(incoming.filter((m) => m.senderId === myUserId).map((m) => m.clientMsgId));
  const pending = mine.size ? tl.pending.filter((p) => !mine.has(p.clientMsgId)) : tl.pending;
  if (!changed && pending.length === tl.pending.length) return tl;

  const messages = changed ? [...bySeq.values()].sort((a, b) => a.seq - b.seq) : tl.messages;
  return { ...tl, messages, pending };
}

/** A message changed in place (edited, deleted, reactions): replace it by id, keeping its seq slot. */
export function replaceMessage(tl: Timeline, message: MessageView): Timeline {
  const i = tl.messages.findIndex((m) => m.id === message.id);
  if (i < 0) return tl;
  const old = tl.messages[i];
  // An older state arriving late (an edit event after the delete) must not undo a tombstone.
  if (old.deletedAt && !message.deletedAt) return tl;
  const messages = tl.messages.slice();
  // Keep my `me` flags: events carry reactions without them.
  messages[i] = {
    ...message,
    reactions: message.reactions ?? old.reactions,
    effects: old.effects ?? message.effects,
  };
  if (message.deletedAt) messages[i] = { ...messages[i], reactions: [] };
  return { ...tl, messages };
}

export function updateMessage(
  tl: Timeline,
  messageId: string,
  update: (m: MessageView) => MessageView,
): Timeline {
  const i = tl.messages.findIndex((m) => m.id === messageId);
  if (i < 0) return tl;
  const next = update(tl.messages[i]);
  if (next === tl.messages[i]) return tl;
  const messages = tl.messages.slice();
  messages[i] = next;
  return { ...tl, messages };
}

export function findMessage(tl: Timeline | undefined, messageId: string): MessageView | undefined {
  return tl?.messages.find((m) => m.id === messageId);
}

function differs(a: MessageView, b: MessageView): boolean {
  return (
    a.content !== b.content ||
    a.editedAt !== b.editedAt ||
    a.deletedAt !== b.deletedAt ||
    (b.reactions !== undefined && JSON.stringify(a.reactions ?? []) !== JSON.stringify(b.reactions))
  );
}

/** The seq after which a message is missing (a hole in the loaded range), if any. */
export function findGap(tl: Timeline, ignoreBelow = 0): number | null {
  const msgs = tl.messages;
  for (let i = 0; i + 1 < msgs.length; i++) {
    if (msgs[i].seq < ignoreBelow) continue;
    if (msgs[i + 1].seq !== msgs[i].seq + 1) return msgs[i].seq;
  }
  return null;
}

export function addPending(tl: Timeline, p: PendingMessage): Timeline {
  if (tl.pending.some((x) => x.clientMsgId === p.clientMsgId)) return tl;
  return { ...tl, pending: [...tl.pending, p] };
}

export function patchPending(tl: Timeline, clientMsgId: string, patch: Partial<PendingMessage>): Timeline {
  let found = false;
  const pending = tl.pending.map((p) => {
    if (p.clientMsgId !== clientMsgId) return p;
    found = true;
    return { ...p, ...patch };
  });
  return found ? { ...tl, pending } : tl;
}

export function removePending(tl: Timeline, clientMsgId: string): Timeline {
  const pending = tl.pending.filter((p) => p.clientMsgId !== clientMsgId);
  return pending.length === tl.pending.length ? tl : { ...tl, pending };
}

/** True when the message with this clientMsgId (from me) is already stored in the timeline. */
export function isStored(tl: Timeline, clientMsgId: string, myUserId: string): boolean {
  return tl.messages.some((m) => m.clientMsgId === clientMsgId && m.senderId === myUserId);
}

import { Limits } from '@app/contracts/limits';
import { api } from '../api/endpoints';
import { searchApi } from '../api/management';
import { errorText, t } from '../lib/i18n';
import { navigate } from '../lib/route';
import { live, showToast, store, updateTimeline } from './app';
import { markEffectsSeen } from './effects';
import { createStore, useStore } from './store';
import { findMessage, firstSeq, mergeMessages } from './timeline';

/**
 * Jumping to a message (a search hit, a quoted reply): open its room, load history back to it,
 * then the message list scrolls it into view and highlights it.
 */

export interface JumpTarget {
  roomId: string;
  messageId: string;
  /** Known for search hits; looked up with an "around" page otherwise. */
  seq?: number;
  nonce: number;
}

/** Pages of PAGE_MAX loaded at most to reach a message (the hit is further back than that: say so). */
const MAX_PAGES = 50;

const jumpStore = createStore<{ target: JumpTarget | null }>({ target: null });
let nonce = 0;

export function useJumpTarget(roomId: string): JumpTarget | null {
  return useStore(jumpStore, (s) => (s.target?.roomId === roomId ? s.target : null));
}

export function jumpToMessage(roomId: string, messageId: string, seq?: number): void {
  jumpStore.set({ target: { roomId, messageId, seq, nonce: ++nonce } });
  navigate({ name: 'room', roomId });
}

export function finishJump(target: JumpTarget): void {
  if (jumpStore.get().target?.nonce === target.nonce) jumpStore.set({ target: null });
}

/**
 * Loads older pages (one contiguous history, no holes) until the message is held. True when it
 * is; false when it is gone or too far back.
 */
export async function loadThrough(target: JumpTarget): Promise<boolean> {
  const { roomId, messageId } = target;
  const held = () => findMessage(store.get().timelines[roomId], messageId);
  if (held()) return true;
  let seq = target.seq;
  try {
    if (seq === undefined) {
      const around = await searchApi.around(roomId, messageId, 1);
      seq = around.messages.find((m) => m.id === messageId)?.seq;
      if (seq === undefined) return false;
    }
    updateTimeline(roomId, (tl) => ({ ...tl, loadingOlder: true, olderError: undefined }));
    for (let i = 0; i < MAX_PAGES && !held(); i++) {
      const tl = store.get().timelines[roomId];
      const before = tl ? firstSeq(tl) : null;
      if (!tl || before === null || before <= seq || !tl.hasMoreOlder) break;
      const page = await api.listMessages(roomId, { beforeSeq: before, limit: Limits.PAGE_MAX });
      markEffectsSeen(page.messages);
      updateTimeline(roomId, (cur) => ({
        ...mergeMessages(cur, page.messages, live.userId),
        hasMoreOlder: page.hasMore,
      }));
    }
    if (!held()) showToast(t('search.tooFar'), 'error');
  } catch (err) {
    showToast(errorText(err), 'error');
  } finally {
    updateTimeline(roomId, (tl) => (tl.loadingOlder ? { ...tl, loadingOlder: false } : tl));
  }
  return !!held();
}

import { useEffect, useRef, type RefObject } from 'react';
import { useApp } from '../state/app';
import { finishJump, loadThrough, useJumpTarget } from '../state/jump';

const HIGHLIGHT_MS = 2400;

/** Scrolls a message into the middle of the list and highlights it for a moment. */
export function revealMessage(scroller: HTMLElement | null, messageId: string): boolean {
  const el = scroller?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`);
  if (!el) return false;
  el.scrollIntoView({ block: 'center' });
  el.classList.add('flash');
  el.dataset.jumped = 'true';
  window.setTimeout(() => el.classList.remove('flash'), HIGHLIGHT_MS);
  return true;
}

/**
 * The open room's side of a jump (state/jump.ts): once its history is loaded, load back to the
 * message, then reveal it.
 */
export function useJumpScroll(
  roomId: string,
  scroller: RefObject<HTMLElement | null>,
  /** Called right after the scroll, so the list remembers the new place before it re-renders. */
  onRevealed: () => void,
): void {
  const target = useJumpTarget(roomId);
  const ready = useApp((s) => s.timelines[roomId]?.status === 'ready');
  const started = useRef(0);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    if (!target || !ready || started.current === target.nonce) return;
    started.current = target.nonce;
    void loadThrough(target).then((found) => {
      if (!mounted.current) return;
      // After the pages are rendered (and the list kept its place): two frames.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          if (found && revealMessage(scroller.current, target.messageId)) onRevealed();
          finishJump(target);
        }),
      );
    });
  }, [target, ready, roomId, scroller, onRevealed]);
}

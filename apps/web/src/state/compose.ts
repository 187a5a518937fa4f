import { createStore, useStore } from './store';

/** What the composer of each room is doing besides plain writing: answering a message. */
interface ComposeState {
  replyTo: Record<string, string | undefined>;
  /** The message being edited in place (one at a time). */
  editing: string | null;
  /** Asked to focus the composer of this room. */
  focusTick: number;
}

export const compose = createStore<ComposeState>({ replyTo: {}, editing: null, focusTick: 0 });

export function useCompose<T>(selector: (s: ComposeState) => T): T {
  return useStore(compose, selector);
}

export function startReply(roomId: string, messageId: string): void {
  compose.set((s) => ({ replyTo: { ...s.replyTo, [roomId]: messageId }, focusTick: s.focusTick + 1 }));
}

export function cancelReply(roomId: string): void {
  compose.set((s) => ({ replyTo: { ...s.replyTo, [roomId]: undefined } }));
}

export function startEditing(messageId: string | null): void {
  compose.set({ editing: messageId });
}

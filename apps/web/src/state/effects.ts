import type { MessageView } from '@app/contracts/views';
import { store } from './app';

/**
 * Special-word effects (`message.effects`, decided by the server at send time) play once, for
 * messages that arrive live while the app is open, never for history. People who asked their
 * system for less motion get none.
 */

export const KNOWN_EFFECTS = ['confetti', 'hearts', 'balloons', 'fireworks'] as const;
const PLAY_MS = 2600;
const played = new Set<string>();

function reducedMotion(): boolean {
  return window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}

export function playEffectsOf(message: MessageView): void {
  const kinds = (message.effects ?? []).filter((k) => (KNOWN_EFFECTS as readonly string[]).includes(k));
  if (!kinds.length || played.has(message.id)) return;
  played.add(message.id);
  if (played.size > 500) played.delete(played.values().next().value as string);
  // Only where the message can be seen: the open room, in a visible tab.
  if (store.get().activeRoomId !== message.roomId || document.visibilityState !== 'visible') return;
  if (reducedMotion()) return;
  const effects = kinds.slice(0, 2).map((kind) => ({ id: `${message.id}:${kind}`, kind }));
  store.set((s) => ({ effects: [...s.effects, ...effects] }));
  window.setTimeout(() => {
    const ids = new Set(effects.map((e) => e.id));
    store.set((s) => ({ effects: s.effects.filter((e) => !ids.has(e.id)) }));
  }, PLAY_MS);
}

/** Messages loaded from history must never play later: mark them as seen. */
export function markEffectsSeen(messages: MessageView[]): void {
  for (const m of messages) if (m.effects?.length) played.add(m.id);
}

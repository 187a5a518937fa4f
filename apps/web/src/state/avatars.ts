import type { MemberView } from '@app/contracts/views';
import { createStore, useStore } from './store';

/**
 * Who has no avatar, as member lists say (`MemberView.hasAvatar`), so the client never asks for
 * a picture that does not exist. Unknown users are tried (and a miss is remembered by Avatar).
 */
const avatarStore = createStore<{ without: Record<string, true> }>({ without: {} });

export function noteAvatars(members: Array<Pick<MemberView, 'userId' | 'hasAvatar'>>): void {
  const current = avatarStore.get().without;
  let next: Record<string, true> | null = null;
  for (const m of members) {
    if (m.hasAvatar === undefined) continue;
    const known = current[m.userId] === true;
    if (m.hasAvatar === known) {
      next ??= { ...current };
      if (m.hasAvatar) delete next[m.userId];
      else next[m.userId] = true;
    }
  }
  if (next) avatarStore.set({ without: next });
}

/** True when a member list said this user has no avatar. */
export function useHasNoAvatar(userId: string): boolean {
  return useStore(avatarStore, (s) => s.without[userId] === true);
}

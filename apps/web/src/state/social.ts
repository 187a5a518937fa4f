import type { UserFriendshipChangedEvent } from '@app/contracts/friends/events';
import type { RoomView } from '@app/contracts/views';
import { api } from '../api/endpoints';
import { rememberNames, signedIn, store } from './app';
import { loadMembers, loadPresence, upsertRooms } from './rooms';

/** Friends: requests both ways, blocks, and direct rooms. */

export async function loadFriends(): Promise<void> {
  const friends = await api.friends();
  store.set({ friends });
  rememberNames(
    [...friends.friends, ...friends.incoming, ...friends.outgoing].map((f) => ({
      id: f.userId,
      name: f.displayName,
    })),
  );
}

let reloadTimer = 0;
export function onFriendshipChanged(ev: UserFriendshipChangedEvent): void {
  rememberNames([{ id: ev.otherUserId, name: ev.otherDisplayName }]);
  window.clearTimeout(reloadTimer);
  reloadTimer = window.setTimeout(() => {
    if (signedIn()) loadFriends().catch((err) => console.warn('[friends] reload failed', err));
  }, 200);
}

export type FriendAction = 'request' | 'accept' | 'decline' | 'cancel' | 'block' | 'remove' | 'unblock';

export async function friendAction(userId: string, action: FriendAction): Promise<void> {
  if (action === 'remove') await api.removeFriend(userId);
  else if (action === 'unblock') await api.unblock(userId);
  else await api.friendAction(userId, action);
  await loadFriends();
}

/** The direct room with a friend (created the first time). */
export async function openDirectRoom(userId: string): Promise<RoomView> {
  const room = await api.openDm(userId);
  upsertRooms([room], { activity: new Date().toISOString() });
  loadMembers(room.id)
    .then(() => loadPresence(room.id))
    .catch(() => undefined);
  return room;
}

import type { InviteLinkView } from '@app/contracts/rooms/views';
import { live } from './app';
import { createStore, useStore } from './store';

/**
 * Invite links made from this browser, per room, with their tokens: the server lists a room's
 * links but returns a token only once, when the link is made, so only these can be copied again.
 */

const KEY = 'happychat.invite-links';
type Links = Record<string, InviteLinkView[]>;

function storageKey(): string {
  return `${KEY}.${live.userId}`;
}

function read(): Links {
  try {
    return JSON.parse(localStorage.getItem(storageKey()) ?? '{}') as Links;
  } catch {
    return {};
  }
}

const linkStore = createStore<{ userId: string; links: Links }>({ userId: '', links: {} });

function current(): Links {
  if (linkStore.get().userId !== live.userId) linkStore.set({ userId: live.userId, links: read() });
  return linkStore.get().links;
}

function write(links: Links): void {
  linkStore.set({ userId: live.userId, links });
  try {
    localStorage.setItem(storageKey(), JSON.stringify(links));
  } catch {
    // Storage full or blocked: the links live for this page only.
  }
}

const EMPTY: InviteLinkView[] = [];

/** The room's links that have not expired, newest first. */
export function useInviteLinks(roomId: string): InviteLinkView[] {
  current();
  return useStore(linkStore, (s) => s.links[roomId] ?? EMPTY);
}

export function rememberInviteLink(link: InviteLinkView): void {
  const links = current();
  const now = Date.now();
  const kept = (links[link.roomId] ?? []).filter((l) => Date.parse(l.expiresAt) > now && l.id !== link.id);
  write({ ...links, [link.roomId]: [link, ...kept].slice(0, 20) });
}

export function forgetInviteLink(roomId: string, linkId: string): void {
  const links = current();
  write({ ...links, [roomId]: (links[roomId] ?? []).filter((l) => l.id !== linkId) });
}

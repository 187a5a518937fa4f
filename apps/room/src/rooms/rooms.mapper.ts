import {
  API_PREFIX,
  type InviteLinkView,
  type MemberRole,
  type MemberView,
  type RoomDetailView,
  type RoomInviteView,
  type RoomView,
} from '@app/contracts';
import type { InviteLinkEntity } from './entities/invite-link.entity';
import type { InviteEntity } from './entities/invite.entity';
import type { MembershipEntity } from './entities/membership.entity';
import type { RoomEntity } from './entities/room.entity';

/** The gateway serves the image here; the version changes the URL when the image changes. */
export function roomImageUrl(room: Pick<RoomEntity, 'id' | 'imageUpdatedAt'>): string | undefined {
  if (!room.imageUpdatedAt) return undefined;
  return `/${API_PREFIX}/rooms/${room.id}/image?v=${room.imageUpdatedAt.getTime()}`;
}

/**
 * `memberCap` is the cap in force: the room's own, else the deployment's default for its kind,
 * which the service passes in.
 */
export function toRoomView(room: RoomEntity, myRole?: MemberRole, defaultCap?: number): RoomView {
  const view: RoomView = {
    id: room.id,
    kind: room.kind,
    name: room.name,
    ownerId: room.ownerId,
    memberCount: room.memberCount,
    createdAt: room.createdAt.toISOString(),
  };
  if (myRole) view.myRole = myRole;
  const imageUrl = roomImageUrl(room);
  if (imageUrl) view.imageUrl = imageUrl;
  view.settings = {
    slowModeSeconds: room.slowModeSeconds ?? 0,
    profanityFilter: room.profanityFilter ?? false,
    historyVisibility: room.historyVisibility ?? 'shared',
  };
  const cap = room.memberCap ?? defaultCap;
  if (cap !== undefined) view.memberCap = cap;
  if (room.description) view.description = room.description;
  if (room.lastActivityAt) view.lastActivityAt = room.lastActivityAt.toISOString();
  return view;
}

/** `withAvatar`: the members known to have an avatar; without it `hasAvatar` is left out (unknown). */
export function toMemberView(
  m: MembershipEntity,
  now = new Date(),
  withAvatar?: ReadonlySet<string>,
): MemberView {
  const view: MemberView = {
    userId: m.userId,
    displayName: m.displayName,
    role: m.role,
    joinedAt: m.joinedAt.toISOString(),
  };
  if (m.mutedUntil && m.mutedUntil > now) view.mutedUntil = m.mutedUntil.toISOString();
  if (m.anonymous) view.anonymous = true;
  if (m.bot) view.bot = true;
  if (withAvatar) view.hasAvatar = withAvatar.has(m.userId);
  return view;
}

export function toRoomDetailView(
  room: RoomEntity,
  members: MembershipEntity[],
  myRole?: MemberRole,
  defaultCap?: number,
  withAvatar?: ReadonlySet<string>,
): RoomDetailView {
  const now = new Date();
  return {
    ...toRoomView(room, myRole, defaultCap),
    members: members.map((m) => toMemberView(m, now, withAvatar)),
  };
}

export function toInviteView(invite: InviteEntity, room: RoomEntity, defaultCap?: number): RoomInviteView {
  return {
    room: toRoomView(room, undefined, defaultCap),
    invitedBy: invite.invitedBy,
    invitedByName: invite.invitedByName,
    createdAt: invite.createdAt.toISOString(),
  };
}

export function toInviteLinkView(link: InviteLinkEntity, token?: string): InviteLinkView {
  const view: InviteLinkView = {
    id: link.id,
    roomId: link.roomId,
    createdBy: link.createdBy,
    createdAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt.toISOString(),
    uses: link.uses,
  };
  if (token) view.token = token;
  if (link.maxUses !== null) view.maxUses = link.maxUses;
  return view;
}

import type {
  ProfileView,
  RevokedSessionsView,
  SessionListView,
  UserSearchView,
} from '@app/contracts/auth/views';
import type { FriendListView } from '@app/contracts/friends/views';
import type { IntegrationDirectoryView } from '@app/contracts/integrations/views';
import type { BanView } from '@app/contracts/moderation/views';
import type { PresenceView } from '@app/contracts/presence/presence';
import type { InviteLinkView, RoomInviteView } from '@app/contracts/rooms/views';
import type { TopicProposalView } from '@app/contracts/topics/views';
import type {
  AuthResultView,
  MemberRole,
  MessagePageView,
  ReadPositionView,
  RoomDetailView,
  RoomSummariesView,
  RoomView,
} from '@app/contracts/views';
import { request, requestBlob } from './http';

/** The REST endpoints the client uses, one typed function each. */

export interface RegisterInput {
  username: string;
  password: string;
  displayName?: string;
}

export interface MeView extends ProfileView {
  sessionId: string;
}

const enc = encodeURIComponent;
const room = (roomId: string) => `/rooms/${enc(roomId)}`;

export const authApi = {
  register: (input: RegisterInput) => request<AuthResultView>('POST', '/auth/register', { body: input }),
  login: (username: string, password: string) =>
    request<AuthResultView>('POST', '/auth/login', { body: { username, password } }),
  guest: () => request<AuthResultView>('POST', '/auth/guest'),
  /** Never with `auth`: the refresh token is the credential, and a 401 here must not recurse. */
  refresh: (refreshToken: string) =>
    request<AuthResultView>('POST', '/auth/refresh', { body: { refreshToken } }),
  logout: () => request<RevokedSessionsView>('POST', '/auth/logout', { auth: true }),
};

export interface PageQuery {
  beforeSeq?: number;
  afterSeq?: number;
  limit?: number;
}

const auth = { auth: true } as const;

export const api = {
  // --- integrations (bots) ---
  integrations: () => request<IntegrationDirectoryView>('GET', '/integrations', auth),
  addIntegration: (roomId: string, integrationId: string) =>
    request<unknown>('POST', `${room(roomId)}/integrations`, { ...auth, body: { integrationId } }),
  removeIntegration: (roomId: string, integrationId: string) =>
    request<unknown>('DELETE', `${room(roomId)}/integrations/${enc(integrationId)}`, auth),
  // --- me, profile, sessions ---
  me: () => request<MeView>('GET', '/me', auth),
  updateProfile: (patch: { displayName?: string; statusText?: string }) =>
    request<ProfileView>('PATCH', '/me', { ...auth, body: patch }),
  setAvatar: (file: Blob) => request<ProfileView>('PUT', '/me/avatar', { ...auth, blob: file }),
  deleteAvatar: () => request<ProfileView>('DELETE', '/me/avatar', auth),
  sessions: () => request<SessionListView>('GET', '/me/sessions', auth),
  revokeSession: (id: string) => request<void>('DELETE', `/me/sessions/${enc(id)}`, auth),
  revokeOtherSessions: () => request<RevokedSessionsView>('POST', '/me/sessions/revoke-others', auth),
  searchUsers: (query: string) =>
    request<UserSearchView>('GET', '/users', { ...auth, query: { query, limit: 8 } }),

  // --- rooms ---
  listRooms: () => request<{ rooms: RoomView[] }>('GET', '/rooms', auth),
  summaries: () => request<RoomSummariesView>('GET', '/me/rooms/summary', auth),
  createRoom: (name: string) => request<RoomView>('POST', '/rooms', { ...auth, body: { name } }),
  getRoom: (roomId: string) => request<RoomDetailView>('GET', room(roomId), auth),
  joinRoom: (roomId: string, inviteToken?: string) =>
    request<RoomView>('POST', `${room(roomId)}/join`, { ...auth, body: inviteToken ? { inviteToken } : {} }),
  leaveRoom: (roomId: string) => request<{ left: true }>('POST', `${room(roomId)}/leave`, auth),
  renameRoom: (roomId: string, name: string) =>
    request<RoomView>('PATCH', room(roomId), { ...auth, body: { name } }),
  roomSettings: (
    roomId: string,
    settings: {
      slowModeSeconds?: number;
      profanityFilter?: boolean;
      historyVisibility?: 'shared' | 'joined';
    },
  ) => request<RoomView>('PATCH', `${room(roomId)}/settings`, { ...auth, body: settings }),
  invites: () => request<{ invites: RoomInviteView[] }>('GET', '/rooms/invites', auth),
  inviteUser: (roomId: string, userId: string) =>
    request<{ roomId: string; userId: string }>('POST', `${room(roomId)}/invites`, {
      ...auth,
      body: { userId },
    }),
  declineInvite: (roomId: string) =>
    request<{ declined: true }>('POST', `${room(roomId)}/invites/decline`, auth),
  createInviteLink: (roomId: string) =>
    request<InviteLinkView>('POST', `${room(roomId)}/invite-links`, { ...auth, body: {} }),
  setRole: (roomId: string, userId: string, role: Exclude<MemberRole, 'owner'>) =>
    request<RoomDetailView>('PUT', `${room(roomId)}/members/${enc(userId)}/role`, {
      ...auth,
      body: { role },
    }),
  kick: (roomId: string, userId: string) =>
    request<unknown>('POST', `${room(roomId)}/members/${enc(userId)}/kick`, { ...auth, body: {} }),
  ban: (roomId: string, userId: string) =>
    request<BanView>('POST', `${room(roomId)}/bans`, { ...auth, body: { userId } }),
  bans: (roomId: string) => request<{ bans: BanView[] }>('GET', `${room(roomId)}/bans`, auth),
  unban: (roomId: string, userId: string) =>
    request<unknown>('DELETE', `${room(roomId)}/bans/${enc(userId)}`, auth),
  mute: (roomId: string, userId: string, durationSeconds: number) =>
    request<{ mutedUntil: string }>('POST', `${room(roomId)}/members/${enc(userId)}/mute`, {
      ...auth,
      body: { durationSeconds },
    }),
  unmute: (roomId: string, userId: string) =>
    request<unknown>('DELETE', `${room(roomId)}/members/${enc(userId)}/mute`, auth),
  exportRoom: (roomId: string) => requestBlob(`${room(roomId)}/export`),

  // --- messages, reads, presence ---
  listMessages: (roomId: string, query: PageQuery = {}) =>
    request<MessagePageView>('GET', `${room(roomId)}/messages`, {
      ...auth,
      query: { beforeSeq: query.beforeSeq, afterSeq: query.afterSeq, limit: query.limit },
    }),
  markRead: (roomId: string, seq: number) =>
    request<ReadPositionView>('POST', `${room(roomId)}/read`, { ...auth, body: { seq } }),
  reads: (roomId: string) => request<{ positions: ReadPositionView[] }>('GET', `${room(roomId)}/reads`, auth),
  presence: (roomId: string) =>
    request<{ presence: PresenceView[] }>('GET', `${room(roomId)}/presence`, auth),

  // --- friends ---
  friends: () => request<FriendListView>('GET', '/friends', auth),
  friendAction: (userId: string, action: 'request' | 'accept' | 'decline' | 'cancel' | 'block') =>
    request<unknown>('POST', `/friends/${enc(userId)}/${action}`, auth),
  removeFriend: (userId: string) => request<unknown>('DELETE', `/friends/${enc(userId)}`, auth),
  unblock: (userId: string) => request<unknown>('DELETE', `/friends/${enc(userId)}/block`, auth),
  openDm: (userId: string) => request<RoomView>('POST', `/friends/${enc(userId)}/dm`, auth),

  // --- topics ---
  topics: (query?: string) =>
    request<{ rooms: RoomView[] }>('GET', '/topics', { ...auth, query: { query: query || undefined } }),
  proposeTopic: (name: string, description?: string) =>
    request<TopicProposalView>('POST', '/topics/proposals', { ...auth, body: { name, description } }),
  proposals: () => request<{ proposals: TopicProposalView[] }>('GET', '/topics/proposals', auth),
  approveProposal: (id: string) =>
    request<{ proposal: TopicProposalView; room: RoomView }>(
      'POST',
      `/topics/proposals/${enc(id)}/approve`,
      auth,
    ),
  rejectProposal: (id: string, reason: string) =>
    request<TopicProposalView>('POST', `/topics/proposals/${enc(id)}/reject`, { ...auth, body: { reason } }),
};

export type Api = typeof api;

/** Where the gateway serves a user's avatar; `v` busts the browser cache after a change. */
export function avatarUrl(userId: string, version?: number | string): string {
  return `/api/v1/users/${enc(userId)}/avatar${version ? `?v=${enc(String(version))}` : ''}`;
}

import type { AdminUserPageView, AdminUserView, RevokedSessionsView } from '@app/contracts/auth/views';
import type {
  ReportResolution,
  ReportStatus,
  ReportView,
  SiteReportPageView,
} from '@app/contracts/moderation/views';
import type { InviteLinkView } from '@app/contracts/rooms/views';
import type {
  AuthResultView,
  MessagePageView,
  MessageSearchView,
  RoomDetailView,
  RoomView,
} from '@app/contracts/views';
import { request } from './http';

/** Endpoints for search, reports, site administration, account and room management. */

const enc = encodeURIComponent;
const room = (roomId: string) => `/rooms/${enc(roomId)}`;
const auth = { auth: true } as const;

export interface SearchQuery {
  q: string;
  /** Only this room; otherwise every room I am in. */
  roomId?: string;
  beforeId?: string;
  limit?: number;
}

export const searchApi = {
  messages: ({ q, roomId, beforeId, limit }: SearchQuery) =>
    request<MessageSearchView>('GET', roomId ? `${room(roomId)}/messages/search` : '/search/messages', {
      ...auth,
      query: { q, beforeId, limit },
    }),
  /** The page of history around one message (it is in the page, with context both sides). */
  around: (roomId: string, messageId: string, limit: number) =>
    request<MessagePageView>('GET', `${room(roomId)}/messages`, {
      ...auth,
      query: { aroundId: messageId, limit },
    }),
};

export const reportsApi = {
  report: (roomId: string, messageId: string, reason: string) =>
    request<ReportView>('POST', `${room(roomId)}/reports`, { ...auth, body: { messageId, reason } }),
  list: (roomId: string, status?: ReportStatus) =>
    request<{ reports: ReportView[] }>('GET', `${room(roomId)}/reports`, { ...auth, query: { status } }),
  resolve: (roomId: string, reportId: string, resolution: ReportResolution, note?: string) =>
    request<ReportView>('POST', `${room(roomId)}/reports/${enc(reportId)}/resolve`, {
      ...auth,
      body: note ? { resolution, note } : { resolution },
    }),
};

export const adminApi = {
  users: (query?: string, cursor?: string) =>
    request<AdminUserPageView>('GET', '/admin/users', {
      ...auth,
      query: { query: query || undefined, cursor, limit: 50 },
    }),
  deactivate: (userId: string) =>
    request<AdminUserView>('POST', `/admin/users/${enc(userId)}/deactivate`, auth),
  reactivate: (userId: string) =>
    request<AdminUserView>('POST', `/admin/users/${enc(userId)}/reactivate`, auth),
  /** Every room's reports, newest first (site admins); resolve them with reportsApi.resolve. */
  reports: (status: ReportStatus, cursor?: string) =>
    request<SiteReportPageView>('GET', '/admin/reports', { ...auth, query: { status, cursor, limit: 50 } }),
};

export const accountApi = {
  changePassword: (currentPassword: string, newPassword: string) =>
    request<RevokedSessionsView>('POST', '/me/password', { ...auth, body: { currentPassword, newPassword } }),
  upgradeGuest: (input: { username?: string; password: string; displayName?: string }) =>
    request<AuthResultView>('POST', '/auth/guest/upgrade', { ...auth, body: input }),
};

export const roomAdminApi = {
  transferOwnership: (roomId: string, userId: string) =>
    request<RoomDetailView>('POST', `${room(roomId)}/owner`, { ...auth, body: { userId } }),
  revokeInviteLink: (roomId: string, linkId: string) =>
    request<{ revoked: true }>('DELETE', `${room(roomId)}/invite-links/${enc(linkId)}`, auth),
  createInviteLink: (roomId: string) =>
    request<InviteLinkView>('POST', `${room(roomId)}/invite-links`, { ...auth, body: {} }),
  /** Every live link of the room, whoever made it, without tokens. */
  listInviteLinks: (roomId: string) =>
    request<{ links: InviteLinkView[] }>('GET', `${room(roomId)}/invite-links`, auth),
  setImage: (roomId: string, file: Blob) =>
    request<RoomView>('PUT', `${room(roomId)}/image`, { ...auth, blob: file }),
  removeImage: (roomId: string) => request<RoomView>('DELETE', `${room(roomId)}/image`, auth),
};

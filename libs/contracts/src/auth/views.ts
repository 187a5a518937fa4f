import type { UserRole, UserView } from '../views';
import type { AvatarContentType } from './limits';

/** What anyone signed in may see of a user. */
export interface ProfileView {
  id: string;
  username: string;
  displayName: string;
  statusText: string;
  hasAvatar: boolean;
  role: UserRole;
}

export interface UserSearchView {
  users: ProfileView[];
}

/** One signed-in device. `current` is the session the asking token belongs to. */
export interface SessionView {
  id: string;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

export interface SessionListView {
  sessions: SessionView[];
}

export interface RevokedSessionsView {
  /** How many sessions this call revoked. */
  revoked: number;
}

/**
 * Whether a session may still be used. `tokensExpireAt`: no access token of this session is
 * valid after it, so a gateway need not remember an inactive session past that time.
 */
export interface SessionCheckView {
  active: boolean;
  userId?: string;
  tokensExpireAt: string;
}

export interface AvatarView {
  contentType: AvatarContentType;
  /** Strong validator for HTTP caching, quoted as an HTTP ETag is. */
  etag: string;
  /** True when the caller's `ifNoneMatch` matched: `data` is then left out. */
  notModified: boolean;
  /** The image bytes, base64. */
  data?: string;
}

export interface AdminUserView extends UserView {
  statusText: string;
  deactivatedAt: string | null;
}

export interface AdminUserPageView {
  users: AdminUserView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

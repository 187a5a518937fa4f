import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsBase64,
  IsIn,
  IsInt,
  IsIP,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsId } from '../ids';
import { Limits } from '../limits';
import { IsWellFormedText, MaxCodePoints } from '../validators';
import type { AuthResultView } from '../views';
import { AuthLimits, AVATAR_CONTENT_TYPES, AvatarContentType } from './limits';
import type {
  AdminUserPageView,
  AdminUserView,
  AvatarView,
  ProfileView,
  RevokedSessionsView,
  SessionCheckView,
  SessionListView,
  UserSearchView,
} from './views';

/**
 * Commands the auth service handles (queue `happychat.auth.commands`). `actorId` and `sessionId`
 * come from the caller's verified access token (`sub` and `sid`), never from a client's body.
 * `clientIp` is the address the gateway saw (login throttling per IP).
 */
export const AuthCommands = {
  AUTH_REGISTER: 'auth.register',
  AUTH_LOGIN: 'auth.login',
  AUTH_REFRESH: 'auth.refresh',
  AUTH_LOGOUT: 'auth.logout',
  AUTH_GUEST_CREATE: 'auth.guest.create',
  AUTH_GUEST_UPGRADE: 'auth.guest.upgrade',
  AUTH_PASSWORD_CHANGE: 'auth.password.change',
  AUTH_SESSION_CHECK: 'auth.session.check',
  AUTH_SESSIONS_LIST: 'auth.sessions.list',
  AUTH_SESSION_REVOKE: 'auth.session.revoke',
  AUTH_SESSIONS_REVOKE_OTHERS: 'auth.sessions.revoke_others',
  AUTH_PROFILE_UPDATE: 'auth.profile.update',
  AUTH_AVATAR_SET: 'auth.avatar.set',
  AUTH_AVATAR_DELETE: 'auth.avatar.delete',
  AUTH_AVATAR_GET: 'auth.avatar.get',
  AUTH_USER_GET: 'auth.user.get',
  AUTH_USERS_SEARCH: 'auth.users.search',
  AUTH_USERS_AVATARS: 'auth.users.avatars',
  AUTH_ADMIN_USERS_LIST: 'auth.admin.users.list',
  AUTH_ADMIN_USER_DEACTIVATE: 'auth.admin.user.deactivate',
  AUTH_ADMIN_USER_REACTIVATE: 'auth.admin.user.reactivate',
} as const;
const C = AuthCommands;

const UserAgent = () => Length(0, 512);
const Password = () => Length(1, Limits.PASSWORD_MAX);
const AVATAR_BASE64_MAX = Math.ceil(AuthLimits.AVATAR_WIRE_MAX_BYTES / 3) * 4;

export class RegisterCommand {
  static readonly TYPE = C.AUTH_REGISTER;
  @Equals(C.AUTH_REGISTER) type: typeof C.AUTH_REGISTER;
  @Equals(1) v: 1;
  @IsString() @IsWellFormedText() @Length(1, 64) username: string;
  @IsString() @Password() password: string;
  @IsOptional() @IsString() @IsWellFormedText() @Length(1, 200) displayName?: string;
  @IsOptional() @IsString() @UserAgent() userAgent?: string;
  @IsOptional() @IsIP() clientIp?: string;
}

export class LoginCommand {
  static readonly TYPE = C.AUTH_LOGIN;
  @Equals(C.AUTH_LOGIN) type: typeof C.AUTH_LOGIN;
  @Equals(1) v: 1;
  @IsString() @Length(1, 64) username: string;
  @IsString() @Password() password: string;
  @IsOptional() @IsString() @UserAgent() userAgent?: string;
  @IsOptional() @IsIP() clientIp?: string;
}

/** Trade a refresh token for a new access + refresh pair; the old refresh token stops working. */
export class RefreshCommand {
  static readonly TYPE = C.AUTH_REFRESH;
  @Equals(C.AUTH_REFRESH) type: typeof C.AUTH_REFRESH;
  @Equals(1) v: 1;
  @IsString() @Length(1, 256) refreshToken: string;
  @IsOptional() @IsString() @UserAgent() userAgent?: string;
  @IsOptional() @IsIP() clientIp?: string;
}

export class LogoutCommand {
  static readonly TYPE = C.AUTH_LOGOUT;
  @Equals(C.AUTH_LOGOUT) type: typeof C.AUTH_LOGOUT;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() sessionId: string;
}

export class GuestCreateCommand {
  static readonly TYPE = C.AUTH_GUEST_CREATE;
  @Equals(C.AUTH_GUEST_CREATE) type: typeof C.AUTH_GUEST_CREATE;
  @Equals(1) v: 1;
  @IsOptional() @IsString() @UserAgent() userAgent?: string;
  @IsOptional() @IsIP() clientIp?: string;
}

/** A guest becomes a full user, keeping its id; without `username` it keeps its nickname. */
export class GuestUpgradeCommand {
  static readonly TYPE = C.AUTH_GUEST_UPGRADE;
  @Equals(C.AUTH_GUEST_UPGRADE) type: typeof C.AUTH_GUEST_UPGRADE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() sessionId: string;
  @IsOptional() @IsString() @IsWellFormedText() @Length(1, 64) username?: string;
  @IsString() @Password() password: string;
  @IsOptional() @IsString() @IsWellFormedText() @Length(1, 200) displayName?: string;
}

export class PasswordChangeCommand {
  static readonly TYPE = C.AUTH_PASSWORD_CHANGE;
  @Equals(C.AUTH_PASSWORD_CHANGE) type: typeof C.AUTH_PASSWORD_CHANGE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() sessionId: string;
  @IsString() @Password() currentPassword: string;
  @IsString() @Password() newPassword: string;
  @IsOptional() @IsIP() clientIp?: string;
}

/** Internal: a gateway asks whether a token's session may still be used. */
export class SessionCheckCommand {
  static readonly TYPE = C.AUTH_SESSION_CHECK;
  @Equals(C.AUTH_SESSION_CHECK) type: typeof C.AUTH_SESSION_CHECK;
  @Equals(1) v: 1;
  @IsId() sessionId: string;
}

export class SessionsListCommand {
  static readonly TYPE = C.AUTH_SESSIONS_LIST;
  @Equals(C.AUTH_SESSIONS_LIST) type: typeof C.AUTH_SESSIONS_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() sessionId: string;
}

export class SessionRevokeCommand {
  static readonly TYPE = C.AUTH_SESSION_REVOKE;
  @Equals(C.AUTH_SESSION_REVOKE) type: typeof C.AUTH_SESSION_REVOKE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() sessionId: string;
  @IsId() targetSessionId: string;
}

export class SessionsRevokeOthersCommand {
  static readonly TYPE = C.AUTH_SESSIONS_REVOKE_OTHERS;
  @Equals(C.AUTH_SESSIONS_REVOKE_OTHERS) type: typeof C.AUTH_SESSIONS_REVOKE_OTHERS;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() sessionId: string;
}

export class ProfileUpdateCommand {
  static readonly TYPE = C.AUTH_PROFILE_UPDATE;
  @Equals(C.AUTH_PROFILE_UPDATE) type: typeof C.AUTH_PROFILE_UPDATE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsOptional() @IsString() @IsWellFormedText() @Length(1, 200) displayName?: string;
  @IsOptional()
  @IsString()
  @IsWellFormedText()
  @MaxCodePoints(AuthLimits.STATUS_TEXT_MAX)
  statusText?: string;
}

export class AvatarSetCommand {
  static readonly TYPE = C.AUTH_AVATAR_SET;
  @Equals(C.AUTH_AVATAR_SET) type: typeof C.AUTH_AVATAR_SET;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsIn(AVATAR_CONTENT_TYPES) contentType: AvatarContentType;
  /** The image bytes, base64. */
  @IsString() @MaxLength(AVATAR_BASE64_MAX) @IsBase64() data: string;
}

export class AvatarDeleteCommand {
  static readonly TYPE = C.AUTH_AVATAR_DELETE;
  @Equals(C.AUTH_AVATAR_DELETE) type: typeof C.AUTH_AVATAR_DELETE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
}

export class AvatarGetCommand {
  static readonly TYPE = C.AUTH_AVATAR_GET;
  @Equals(C.AUTH_AVATAR_GET) type: typeof C.AUTH_AVATAR_GET;
  @Equals(1) v: 1;
  @IsId() userId: string;
  /** The client's `If-None-Match`; when it names the current image, no bytes are sent. */
  @IsOptional() @IsString() @MaxLength(512) ifNoneMatch?: string;
}

export class UserGetCommand {
  static readonly TYPE = C.AUTH_USER_GET;
  @Equals(C.AUTH_USER_GET) type: typeof C.AUTH_USER_GET;
  @Equals(1) v: 1;
  @IsId() userId: string;
}

/** Prefix search over usernames and display names, for adding friends. */
export class UsersSearchCommand {
  static readonly TYPE = C.AUTH_USERS_SEARCH;
  @Equals(C.AUTH_USERS_SEARCH) type: typeof C.AUTH_USERS_SEARCH;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'query must not be blank' })
  @MaxCodePoints(AuthLimits.SEARCH_QUERY_MAX)
  query: string;
  @IsOptional() @IsInt() @Min(1) @Max(AuthLimits.SEARCH_LIMIT_MAX) limit?: number;
}

/** As many ids as the largest room cap allows (ROOM_MEMBER_CAP is at most 100000). */
export const AVATAR_LOOKUP_MAX = 100_000;

/** Which of these users have an avatar (a room's member list, so clients ask only for those). */
export class UsersAvatarsCommand {
  static readonly TYPE = C.AUTH_USERS_AVATARS;
  @Equals(C.AUTH_USERS_AVATARS) type: typeof C.AUTH_USERS_AVATARS;
  @Equals(1) v: 1;
  @IsArray()
  @ArrayMaxSize(AVATAR_LOOKUP_MAX)
  @IsId({ each: true })
  userIds: string[];
}

export class AdminUsersListCommand {
  static readonly TYPE = C.AUTH_ADMIN_USERS_LIST;
  @Equals(C.AUTH_ADMIN_USERS_LIST) type: typeof C.AUTH_ADMIN_USERS_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsOptional() @IsString() @IsWellFormedText() @MaxCodePoints(AuthLimits.SEARCH_QUERY_MAX) query?: string;
  @IsOptional() @IsInt() @Min(1) @Max(AuthLimits.ADMIN_PAGE_MAX) limit?: number;
  @IsOptional() @IsString() @MaxLength(128) cursor?: string;
}

export class AdminUserDeactivateCommand {
  static readonly TYPE = C.AUTH_ADMIN_USER_DEACTIVATE;
  @Equals(C.AUTH_ADMIN_USER_DEACTIVATE) type: typeof C.AUTH_ADMIN_USER_DEACTIVATE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() userId: string;
}

export class AdminUserReactivateCommand {
  static readonly TYPE = C.AUTH_ADMIN_USER_REACTIVATE;
  @Equals(C.AUTH_ADMIN_USER_REACTIVATE) type: typeof C.AUTH_ADMIN_USER_REACTIVATE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() userId: string;
}

export interface AuthCommandResults {
  [C.AUTH_REGISTER]: AuthResultView;
  [C.AUTH_LOGIN]: AuthResultView;
  [C.AUTH_REFRESH]: AuthResultView;
  [C.AUTH_LOGOUT]: RevokedSessionsView;
  [C.AUTH_GUEST_CREATE]: AuthResultView;
  [C.AUTH_GUEST_UPGRADE]: AuthResultView;
  [C.AUTH_PASSWORD_CHANGE]: RevokedSessionsView;
  [C.AUTH_SESSION_CHECK]: SessionCheckView;
  [C.AUTH_SESSIONS_LIST]: SessionListView;
  [C.AUTH_SESSION_REVOKE]: RevokedSessionsView;
  [C.AUTH_SESSIONS_REVOKE_OTHERS]: RevokedSessionsView;
  [C.AUTH_PROFILE_UPDATE]: ProfileView;
  [C.AUTH_AVATAR_SET]: ProfileView;
  [C.AUTH_AVATAR_DELETE]: ProfileView;
  [C.AUTH_AVATAR_GET]: AvatarView;
  [C.AUTH_USER_GET]: ProfileView;
  [C.AUTH_USERS_SEARCH]: UserSearchView;
  /** The given ids that have an avatar, in no particular order. */
  [C.AUTH_USERS_AVATARS]: { withAvatar: string[] };
  [C.AUTH_ADMIN_USERS_LIST]: AdminUserPageView;
  [C.AUTH_ADMIN_USER_DEACTIVATE]: AdminUserView;
  [C.AUTH_ADMIN_USER_REACTIVATE]: AdminUserView;
}

export const AuthCommandClasses = {
  [C.AUTH_REGISTER]: RegisterCommand,
  [C.AUTH_LOGIN]: LoginCommand,
  [C.AUTH_REFRESH]: RefreshCommand,
  [C.AUTH_LOGOUT]: LogoutCommand,
  [C.AUTH_GUEST_CREATE]: GuestCreateCommand,
  [C.AUTH_GUEST_UPGRADE]: GuestUpgradeCommand,
  [C.AUTH_PASSWORD_CHANGE]: PasswordChangeCommand,
  [C.AUTH_SESSION_CHECK]: SessionCheckCommand,
  [C.AUTH_SESSIONS_LIST]: SessionsListCommand,
  [C.AUTH_SESSION_REVOKE]: SessionRevokeCommand,
  [C.AUTH_SESSIONS_REVOKE_OTHERS]: SessionsRevokeOthersCommand,
  [C.AUTH_PROFILE_UPDATE]: ProfileUpdateCommand,
  [C.AUTH_AVATAR_SET]: AvatarSetCommand,
  [C.AUTH_AVATAR_DELETE]: AvatarDeleteCommand,
  [C.AUTH_AVATAR_GET]: AvatarGetCommand,
  [C.AUTH_USER_GET]: UserGetCommand,
  [C.AUTH_USERS_SEARCH]: UsersSearchCommand,
  [C.AUTH_USERS_AVATARS]: UsersAvatarsCommand,
  [C.AUTH_ADMIN_USERS_LIST]: AdminUsersListCommand,
  [C.AUTH_ADMIN_USER_DEACTIVATE]: AdminUserDeactivateCommand,
  [C.AUTH_ADMIN_USER_REACTIVATE]: AdminUserReactivateCommand,
} as const;

/**
 * Error codes are part of the wire: HTTP bodies, WebSocket error frames and RPC replies carry
 * them. Each bounded context owns its enum; the gateway maps codes to HTTP status in one place.
 */
export enum CommonErrorCode {
  VALIDATION_FAILED = 'common.validation_failed',
  NOT_FOUND = 'common.not_found',
  INTERNAL = 'common.internal',
  UPSTREAM_TIMEOUT = 'common.upstream_timeout',
  SERVICE_UNAVAILABLE = 'common.service_unavailable',
  RATE_LIMITED = 'common.rate_limited',
  PAYLOAD_TOO_LARGE = 'common.payload_too_large',
}

export enum AuthErrorCode {
  USERNAME_TAKEN = 'auth.username_taken',
  INVALID_USERNAME = 'auth.invalid_username',
  WEAK_PASSWORD = 'auth.weak_password',
  INVALID_CREDENTIALS = 'auth.invalid_credentials',
  TOKEN_MISSING = 'auth.token_missing',
  TOKEN_INVALID = 'auth.token_invalid',
  TOKEN_EXPIRED = 'auth.token_expired',
  FORBIDDEN = 'auth.forbidden',
  REFRESH_INVALID = 'auth.refresh_invalid',
  REFRESH_REUSED = 'auth.refresh_reused',
  SESSION_REVOKED = 'auth.session_revoked',
  SESSION_NOT_FOUND = 'auth.session_not_found',
  USER_NOT_FOUND = 'auth.user_not_found',
  INVALID_IMAGE = 'auth.invalid_image',
  WRONG_PASSWORD = 'auth.wrong_password',
}

export enum RoomErrorCode {
  NOT_FOUND = 'room.not_found',
  NOT_MEMBER = 'room.not_member',
  FORBIDDEN = 'room.forbidden',
  FULL = 'room.full',
  INVALID_NAME = 'room.invalid_name',
  /** Group rooms are joined through a pending invite or an invite link. */
  INVITE_REQUIRED = 'room.invite_required',
  /** The invite link is unknown, revoked, expired, used up, or for another room. */
  INVITE_INVALID = 'room.invite_invalid',
  BANNED = 'room.banned',
  MUTED = 'room.muted',
  /** Slow mode: `details` says how many seconds to wait. */
  SLOW_MODE = 'room.slow_mode',
  INVALID_IMAGE = 'room.invalid_image',
  IMAGE_TOO_LARGE = 'room.image_too_large',
  NO_IMAGE = 'room.no_image',
  /** Guests may only join topic rooms. */
  GUESTS_NOT_ALLOWED = 'room.guests_not_allowed',
  /** The owner hands the room to someone else before leaving it. */
  OWNER_CANNOT_LEAVE = 'room.owner_cannot_leave',
  ALREADY_MEMBER = 'room.already_member',
  /** The user an action names is not a member of the room. */
  TARGET_NOT_MEMBER = 'room.target_not_member',
  PROPOSAL_NOT_FOUND = 'room.proposal_not_found',
  PROPOSAL_DECIDED = 'room.proposal_decided',
  /** No such attachment for you: unknown, in a room you cannot read, or not sent yet (and not yours). */
  ATTACHMENT_NOT_FOUND = 'room.attachment_not_found',
  /** The attachment already belongs to another message. */
  ATTACHMENT_IN_USE = 'room.attachment_in_use',
  /** Not a PNG, JPEG, GIF or WebP image by its bytes. */
  ATTACHMENT_TYPE_UNSUPPORTED = 'room.attachment_type_unsupported',
  /** Web push is not configured on this server (no VAPID keys). */
  PUSH_DISABLED = 'room.push_disabled',
}

export enum FriendErrorCode {
  SELF = 'friend.self',
  /** One side blocked the other: no request, no direct messages. */
  BLOCKED = 'friend.blocked',
  NO_REQUEST = 'friend.no_request',
  NOT_FRIENDS = 'friend.not_friends',
  ALREADY_FRIENDS = 'friend.already_friends',
  GUESTS_NOT_ALLOWED = 'friend.guests_not_allowed',
}

export enum ModerationErrorCode {
  REPORT_NOT_FOUND = 'moderation.report_not_found',
  REPORT_RESOLVED = 'moderation.report_resolved',
  NOT_BANNED = 'moderation.not_banned',
}

export enum HistoryErrorCode {
  INVALID_CURSOR = 'history.invalid_cursor',
  IDEMPOTENCY_CONFLICT = 'history.idempotency_conflict',
  MESSAGE_TOO_LARGE = 'history.message_too_large',
  /** No such message in this room (also: a message id from another room). */
  MESSAGE_NOT_FOUND = 'history.message_not_found',
  /** Only the author may do this (edit; delete unless a moderator). */
  NOT_AUTHOR = 'history.not_author',
  EDIT_WINDOW_CLOSED = 'history.edit_window_closed',
  /** The message is a tombstone: it cannot be edited or reacted to. */
  MESSAGE_DELETED = 'history.message_deleted',
  INVALID_RANGE = 'history.invalid_range',
  TOO_MANY_REACTIONS = 'history.too_many_reactions',
}

export enum IntegrationErrorCode {
  NOT_FOUND = 'integration.not_found',
  /** Revoked integrations keep their record but can no longer be used or added to rooms. */
  REVOKED = 'integration.revoked',
  NAME_TAKEN = 'integration.name_taken',
  /** The broker's management API did not answer or refused: nothing was changed. */
  BROKER_UNAVAILABLE = 'integration.broker_unavailable',
}

export enum GatewayErrorCode {
  MALFORMED_FRAME = 'gateway.malformed_frame',
  UNKNOWN_FRAME_TYPE = 'gateway.unknown_frame_type',
  FRAME_TOO_LARGE = 'gateway.frame_too_large',
  BINARY_NOT_SUPPORTED = 'gateway.binary_not_supported',
}

export type ErrorCode =
  | CommonErrorCode
  | AuthErrorCode
  | RoomErrorCode
  | HistoryErrorCode
  | GatewayErrorCode
  | FriendErrorCode
  | ModerationErrorCode
  | IntegrationErrorCode;

export interface ErrorDetail {
  /** The field path that failed, e.g. `content` or `rooms.0.afterSeq`. */
  field?: string;
  reason: string;
}

/** The error body on every wire: HTTP response, WebSocket error frame (plus `id`), RPC reply. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
}

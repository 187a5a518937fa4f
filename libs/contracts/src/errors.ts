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
}

export enum RoomErrorCode {
  NOT_FOUND = 'room.not_found',
  NOT_MEMBER = 'room.not_member',
  FORBIDDEN = 'room.forbidden',
  FULL = 'room.full',
  INVALID_NAME = 'room.invalid_name',
}

export enum HistoryErrorCode {
  INVALID_CURSOR = 'history.invalid_cursor',
  IDEMPOTENCY_CONFLICT = 'history.idempotency_conflict',
  MESSAGE_TOO_LARGE = 'history.message_too_large',
}

export enum GatewayErrorCode {
  MALFORMED_FRAME = 'gateway.malformed_frame',
  UNKNOWN_FRAME_TYPE = 'gateway.unknown_frame_type',
  FRAME_TOO_LARGE = 'gateway.frame_too_large',
  BINARY_NOT_SUPPORTED = 'gateway.binary_not_supported',
}

export type ErrorCode = CommonErrorCode | AuthErrorCode | RoomErrorCode | HistoryErrorCode | GatewayErrorCode;

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

import {
  AuthErrorCode,
  CommonErrorCode,
  ErrorCode,
  GatewayErrorCode,
  HistoryErrorCode,
  RoomErrorCode,
} from '@app/contracts';

/** The one place error codes become HTTP statuses. Typed as total: a new code must be placed. */
export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  [CommonErrorCode.VALIDATION_FAILED]: 400,
  [CommonErrorCode.NOT_FOUND]: 404,
  [CommonErrorCode.INTERNAL]: 500,
  [CommonErrorCode.UPSTREAM_TIMEOUT]: 504,
  [CommonErrorCode.SERVICE_UNAVAILABLE]: 503,
  [CommonErrorCode.RATE_LIMITED]: 429,
  [CommonErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [AuthErrorCode.USERNAME_TAKEN]: 409,
  [AuthErrorCode.INVALID_USERNAME]: 400,
  [AuthErrorCode.WEAK_PASSWORD]: 400,
  [AuthErrorCode.INVALID_CREDENTIALS]: 401,
  [AuthErrorCode.TOKEN_MISSING]: 401,
  [AuthErrorCode.TOKEN_INVALID]: 401,
  [AuthErrorCode.TOKEN_EXPIRED]: 401,
  [AuthErrorCode.FORBIDDEN]: 403,
  [RoomErrorCode.NOT_FOUND]: 404,
  [RoomErrorCode.NOT_MEMBER]: 403,
  [RoomErrorCode.FORBIDDEN]: 403,
  [RoomErrorCode.FULL]: 409,
  [RoomErrorCode.INVALID_NAME]: 400,
  [HistoryErrorCode.INVALID_CURSOR]: 400,
  [HistoryErrorCode.IDEMPOTENCY_CONFLICT]: 409,
  [HistoryErrorCode.MESSAGE_TOO_LARGE]: 413,
  [GatewayErrorCode.MALFORMED_FRAME]: 400,
  [GatewayErrorCode.UNKNOWN_FRAME_TYPE]: 400,
  [GatewayErrorCode.FRAME_TOO_LARGE]: 413,
  [GatewayErrorCode.BINARY_NOT_SUPPORTED]: 400,
};

export function httpStatusOf(code: string): number {
  return (ERROR_HTTP_STATUS as Record<string, number>)[code] ?? 500;
}

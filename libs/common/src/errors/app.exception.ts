import { CommonErrorCode, ErrorCode, ErrorDetail, ErrorPayload } from '@app/contracts';

/**
 * The one exception type services throw on purpose. Its code crosses every wire unchanged; the
 * gateway decides the HTTP status. Anything else thrown is an internal error and its message
 * never leaves the service.
 */
export class AppException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'AppException';
  }

  toPayload(): ErrorPayload {
    return this.details?.length
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }

  static fromPayload(payload: ErrorPayload): AppException {
    return new AppException(payload.code, payload.message, payload.details);
  }
}

/** SQLSTATEs of a server going away or not there yet: admin_shutdown, crash_shutdown, cannot_connect_now. */
const DATABASE_GONE_STATES = new Set(['57P01', '57P02', '57P03']);
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * The database could not be reached, or went away mid-query (restarting, failing over): not a
 * bug in the request, and worth trying again — every write that a client retries is idempotent
 * (sends carry a clientMsgId). node-postgres reports a lost socket as `Connection terminated…`
 * without a code; TypeORM's QueryFailedError carries the driver's `code`.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; driverError?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (/^08[0-9A-Z]{3}$/.test(code) || DATABASE_GONE_STATES.has(code) || SOCKET_ERRORS.has(code)) return true;
  if (typeof e.message === 'string' && e.message.startsWith('Connection terminated')) return true;
  return e.driverError !== undefined && e.driverError !== err && isDatabaseUnavailable(e.driverError);
}

export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof AppException) return err.toPayload();
  const withCode = err as { code?: unknown; details?: ErrorDetail[]; message?: string };
  if (withCode?.code === CommonErrorCode.VALIDATION_FAILED) {
    return {
      code: CommonErrorCode.VALIDATION_FAILED,
      message: withCode.message ?? 'Invalid input',
      details: withCode.details,
    };
  }
  // Answered at once, not requeued and dead-lettered as a failure: the client retries.
  if (isDatabaseUnavailable(err))
    return { code: CommonErrorCode.SERVICE_UNAVAILABLE, message: 'Database unavailable; try again' };
  return { code: CommonErrorCode.INTERNAL, message: 'Internal error' };
}

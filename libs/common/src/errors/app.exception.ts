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
  return { code: CommonErrorCode.INTERNAL, message: 'Internal error' };
}

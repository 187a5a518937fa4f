import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { CommonErrorCode, ErrorPayload } from '@app/contracts';
import { AppException } from '@app/common';
import { httpStatusOf } from './error-status';

const HTTP_CODE: Record<number, CommonErrorCode> = {
  400: CommonErrorCode.VALIDATION_FAILED,
  404: CommonErrorCode.NOT_FOUND,
  413: CommonErrorCode.PAYLOAD_TOO_LARGE,
  429: CommonErrorCode.RATE_LIMITED,
};

/**
 * Every HTTP error leaves as `{code, message, details?}` with the status its code maps to.
 * Unexpected errors are logged here and leave as a bare `common.internal`: no stack, no text.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let status: number;
    let body: ErrorPayload;
    if (err instanceof AppException) {
      status = httpStatusOf(err.code);
      body = err.toPayload();
    } else if (err instanceof HttpException) {
      status = err.getStatus();
      const code =
        HTTP_CODE[status] ?? (status >= 500 ? CommonErrorCode.INTERNAL : CommonErrorCode.VALIDATION_FAILED);
      body = { code, message: status === 404 ? 'Not found' : err.message };
    } else if ((err as { type?: string; status?: number })?.type === 'entity.too.large') {
      status = 413;
      body = { code: CommonErrorCode.PAYLOAD_TOO_LARGE, message: 'Request body too large' };
    } else if ((err as { type?: string })?.type === 'entity.parse.failed') {
      status = 400;
      body = { code: CommonErrorCode.VALIDATION_FAILED, message: 'Request body is not valid JSON' };
    } else {
      this.logger.error({ msg: 'unhandled error', err: (err as Error)?.message }, (err as Error)?.stack);
      status = 500;
      body = { code: CommonErrorCode.INTERNAL, message: 'Internal error' };
    }
    if (status >= 500 && err instanceof AppException)
      this.logger.warn({ msg: 'upstream error', code: err.code });
    res.status(status).json(body);
  }
}

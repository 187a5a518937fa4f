import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { catchError, Observable, throwError } from 'rxjs';
import { CommonErrorCode, readRetryAfter } from '@app/contracts';
import { AppException } from '@app/common';

/** A `common.rate_limited` answer says when to come back; HTTP clients read that from Retry-After. */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((err: unknown) => {
        if (err instanceof AppException && err.code === CommonErrorCode.RATE_LIMITED) {
          const seconds = readRetryAfter(err.details);
          if (seconds) ctx.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(seconds));
        }
        return throwError(() => err);
      }),
    );
  }
}

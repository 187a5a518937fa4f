import { ParseUUIDPipe } from '@nestjs/common';
import { CommonErrorCode } from '@app/contracts';
import { AppException } from '@app/common';

/** Path ids must be UUIDs; anything else is a 400 naming the parameter, never a 500. */
export const uuidParam = new ParseUUIDPipe({
  exceptionFactory: () =>
    new AppException(CommonErrorCode.VALIDATION_FAILED, 'Path id must be a UUID', [
      { field: 'id', reason: 'must be a UUID' },
    ]),
});

import { ValidationError, ValidationPipe } from '@nestjs/common';
import { CommonErrorCode, ErrorDetail } from '@app/contracts';
import { AppException } from '@app/common';

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    return [
      ...Object.values(e.constraints ?? {}).map((reason) => ({ field, reason })),
      ...flatten(e.children ?? [], field),
    ];
  });
}

/** Request DTOs are validated at the edge; failures name every field, as on every other wire. */
export const strictValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => {
    const details = flatten(errors);
    return new AppException(
      CommonErrorCode.VALIDATION_FAILED,
      `Invalid request: ${details.map((d) => `${d.field}: ${d.reason}`).join('; ')}`,
      details,
    );
  },
});

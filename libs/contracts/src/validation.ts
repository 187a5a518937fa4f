import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { CommonErrorCode, ErrorDetail } from './errors';

export class ContractValidationError extends Error {
  readonly code = CommonErrorCode.VALIDATION_FAILED;
  constructor(
    message: string,
    readonly details: ErrorDetail[],
  ) {
    super(message);
    this.name = 'ContractValidationError';
  }
}

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const reason of Object.values(e.constraints ?? {})) out.push({ field, reason });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

type Ctor<T> = new () => T;

/**
 * Turn untrusted plain data into a validated contract instance, or throw with every reason.
 * Unknown properties are refused so a typo never passes silently.
 */
export function parseContract<T extends object>(cls: Ctor<T>, plain: unknown): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new ContractValidationError('Expected a JSON object', [{ reason: 'not an object' }]);
  }
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(instance as object, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) {
    const details = flatten(errors);
    throw new ContractValidationError(
      `Invalid ${cls.name}: ${details.map((d) => `${d.field}: ${d.reason}`).join('; ')}`,
      details,
    );
  }
  return instance;
}

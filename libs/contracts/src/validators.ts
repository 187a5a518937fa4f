import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * The string is valid Unicode (no lone surrogates) without NUL, so it round-trips exactly
 * through UTF-8 storage (PostgreSQL text cannot hold NUL).
 */
export function IsWellFormedText(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isWellFormedText',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be valid Unicode text without NUL characters', ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          (value as string & { isWellFormed(): boolean }).isWellFormed() &&
          !value.includes('\u0000'),
      },
    });
}

/** Length in code points, the way a person counts characters (an emoji is one). */
export function MaxCodePoints(max: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'maxCodePoints',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [max],
      options: { message: `$property must be at most ${max} characters`, ...options },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          if (value.length <= max) return true;
          let n = 0;
          for (const _ of value) if (++n > max) return false;
          return true;
        },
      },
    });
}

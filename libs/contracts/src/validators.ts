import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsString,
  IsUUID,
  Length,
  Matches,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';
import { Limits } from './limits';
import { AttachmentLimits } from './messages/attachment-limits';

/** Several property decorators as one, so a rule stated once reads the same on every wire. */
function all(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    for (const decorate of decorators) decorate(target, propertyName);
  };
}

/**
 * A message's text: valid Unicode, at most MESSAGE_MAX_CHARS code points, not only whitespace.
 * `allowEmpty`: '' is accepted (an image's caption may be left out; the kind decides).
 */
export function IsMessageContent(options: { allowEmpty?: boolean } = {}): PropertyDecorator {
  return all(
    IsString(),
    IsWellFormedText(),
    Matches(options.allowEmpty ? /^$|\S/ : /\S/, { message: 'content must not be blank' }),
    MaxCodePoints(Limits.MESSAGE_MAX_CHARS),
  );
}

/** The sender's idempotency key for a message: 1-64 printable ASCII characters. */
export function IsClientMsgId(): PropertyDecorator {
  return all(
    IsString(),
    Length(1, Limits.CLIENT_MSG_ID_MAX),
    Matches(/^[\x21-\x7e]+$/, { message: 'clientMsgId must be printable ASCII' }),
  );
}

/** The images a message carries: 1 to PER_MESSAGE_MAX distinct upload ids. */
export function IsAttachmentIds(): PropertyDecorator {
  return all(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(AttachmentLimits.PER_MESSAGE_MAX),
    ArrayUnique(),
    IsUUID('all', { each: true }),
  );
}

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

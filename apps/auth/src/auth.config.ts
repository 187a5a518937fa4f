import {
  IsInt,
  Matches,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { BaseConfig } from '@app/common';

/** The property must be set exactly when `other` is: half an admin account is a mistake. */
function SetTogetherWith(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'setTogetherWith',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [other],
      options: { message: `$property and ${other} must be set together (or both left empty)`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          (value === '') === ((args.object as Record<string, unknown>)[other] === ''),
      },
    });
}

/** The number must be larger than the `other` property. */
function GreaterThan(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'greaterThan',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [other],
      options: { message: `$property must be greater than ${other}`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          typeof value === 'number' && value > Number((args.object as Record<string, unknown>)[other]),
      },
    });
}

export class AuthConfig extends BaseConfig {
  @IsInt() @Min(0) @Max(65535) override HTTP_PORT: number = 3001;

  /** HS256 key shared with the gateway. Deliberately no usable default: empty fails validation. */
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be set to a secret of at least 32 characters' })
  @MaxLength(1024)
  JWT_SECRET: string = '';

  /** Short, because a stolen access token cannot be recalled from everywhere at once; refresh renews it. */
  @IsInt() @Min(60) @Max(86_400) ACCESS_TOKEN_TTL_SECONDS: number = 900;

  /** How long an unused refresh token (and so an idle session) lives; each refresh starts it again. */
  @IsInt()
  @Min(300)
  @Max(31_536_000)
  @GreaterThan('ACCESS_TOKEN_TTL_SECONDS')
  REFRESH_TOKEN_TTL_SECONDS: number = 2_592_000;

  /** Guests get a shorter-lived session. */
  @IsInt()
  @Min(300)
  @Max(31_536_000)
  @GreaterThan('ACCESS_TOKEN_TTL_SECONDS')
  GUEST_REFRESH_TOKEN_TTL_SECONDS: number = 86_400;

  /** argon2id cost; the defaults are OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane). */
  @IsInt() @Min(1024) @Max(4_194_304) ARGON2_MEMORY_KIB: number = 19_456;

  @IsInt() @Min(1) @Max(20) ARGON2_ITERATIONS: number = 2;

  @IsInt() @Min(1) @Max(16) ARGON2_PARALLELISM: number = 1;

  /** The first admin, created at start when missing (both or neither; the password policy applies). */
  @IsString() @MaxLength(64) @SetTogetherWith('ADMIN_PASSWORD') ADMIN_USERNAME: string = '';

  @IsString() @MaxLength(256) @SetTogetherWith('ADMIN_USERNAME') ADMIN_PASSWORD: string = '';

  /** Login throttling: failed attempts allowed per window, per account and per client IP. */
  @IsInt() @Min(1) @Max(10_000) LOGIN_MAX_FAILURES_PER_ACCOUNT: number = 5;

  @IsInt() @Min(1) @Max(100_000) LOGIN_MAX_FAILURES_PER_IP: number = 50;

  @IsInt() @Min(1) @Max(86_400) LOGIN_FAILURE_WINDOW_SECONDS: number = 900;

  /** Guest identities one client IP may create per window (LOGIN_FAILURE_WINDOW_SECONDS). */
  @IsInt() @Min(1) @Max(100_000) GUESTS_PER_IP: number = 20;

  /**
   * RabbitMQ's management API, with an administrator's credentials in the URL: integration
   * accounts get their own broker users, permissions and topic permissions through it.
   */
  @Matches(/^https?:\/\//, { message: 'RABBITMQ_MANAGEMENT_URL must be an http(s):// URL' })
  RABBITMQ_MANAGEMENT_URL: string = 'http://guest:guest@127.0.0.1:15672';

  /**
   * Where integrations connect, as they see the broker (amqp[s]://host:port, no credentials);
   * empty: the host and port of AMQP_URL. The vhost is always AMQP_URL's.
   */
  @Matches(/^(amqps?:\/\/[^@/]+\/?)?$/, {
    message: 'INTEGRATIONS_AMQP_URL must be empty or amqp(s)://host:port without credentials or path',
  })
  INTEGRATIONS_AMQP_URL: string = '';

  /** Largest avatar image accepted, in bytes. */
  @IsInt() @Min(1024) @Max(16 * 1024 * 1024) AVATAR_MAX_BYTES: number = 2 * 1024 * 1024;
}

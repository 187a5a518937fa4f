import { IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { BaseConfig } from '@app/common';

export class AuthConfig extends BaseConfig {
  @IsInt() @Min(0) @Max(65535) override HTTP_PORT: number = 3001;

  /** HS256 key shared with the gateway. Deliberately no usable default: empty fails validation. */
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be set to a secret of at least 32 characters' })
  @MaxLength(1024)
  JWT_SECRET: string = '';

  @IsInt() @Min(60) @Max(2_592_000) ACCESS_TOKEN_TTL_SECONDS: number = 86_400;

  /** argon2id cost; the defaults are OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane). */
  @IsInt() @Min(1024) @Max(4_194_304) ARGON2_MEMORY_KIB: number = 19_456;

  @IsInt() @Min(1) @Max(20) ARGON2_ITERATIONS: number = 2;

  @IsInt() @Min(1) @Max(16) ARGON2_PARALLELISM: number = 1;
}

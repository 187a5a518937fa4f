import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

/**
 * Settings every service has. Each app extends this with its own. Number fields carry an explicit
 * `: number` so the emitted type metadata lets environment strings convert (ts-jest too).
 */
export class BaseConfig {
  @Matches(/^amqps?:\/\//, { message: 'AMQP_URL must be an amqp:// or amqps:// URL' })
  AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672/';

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/happychat';

  @IsString() HTTP_HOST = '127.0.0.1';

  @IsInt() @Min(0) @Max(65535) HTTP_PORT: number = 0;

  @IsIn(['debug', 'info', 'warn', 'error']) LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' = 'info';

  @IsInt() @Min(100) @Max(120000) RPC_TIMEOUT_MS: number = 5000;

  /**
   * The least time between two batches of `message.send` (or `history.append`) from this process:
   * under load, the sends that arrive meanwhile leave together, and every hop, wake-up and
   * statement after it is paid once per batch. A send after a quiet spell still leaves at once.
   */
  @IsInt() @Min(0) @Max(100) RPC_BATCH_LINGER_MS: number = 10;

  @IsInt() @Min(0) @Max(600000) SHUTDOWN_TIMEOUT_MS: number = 10000;

  @IsInt() @Min(1) @Max(10000) AMQP_PREFETCH: number = 64;
}

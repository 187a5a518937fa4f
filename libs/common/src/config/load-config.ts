import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

type Ctor<T> = new () => T;

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * Build a typed, validated config from environment variables. Property names are the variable
 * names (UPPER_SNAKE); defaults live on the class. A service refuses to start with every problem
 * listed at once. This is the only place that reads process.env.
 */
export function loadConfig<T extends object>(cls: Ctor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new cls() as Record<string, unknown>;
  const plain: Record<string, unknown> = {};
  for (const key of Object.keys(defaults))
    plain[key] = env[key] === undefined || env[key] === '' ? defaults[key] : env[key];
  const config = plainToInstance(cls, plain, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    throw new ConfigValidationError(
      errors.flatMap((e) => Object.values(e.constraints ?? {}).map((c) => `${e.property}: ${c}`)),
    );
  }
  return Object.freeze(config);
}

import { ConfigValidationError, loadConfig } from '@app/common';
import { AuthConfig } from './auth.config';

const SECRET = 'x'.repeat(32);

describe('AuthConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig(AuthConfig, { JWT_SECRET: SECRET });
    expect(config).toMatchObject({
      HTTP_PORT: 3001,
      ACCESS_TOKEN_TTL_SECONDS: 86400,
      ARGON2_MEMORY_KIB: 19456,
      ARGON2_ITERATIONS: 2,
      ARGON2_PARALLELISM: 1,
    });
  });

  it.each([
    ['missing', {}],
    ['empty', { JWT_SECRET: '' }],
    ['too short', { JWT_SECRET: 'x'.repeat(31) }],
  ])('refuses a %s JWT_SECRET', (_label, env) => {
    expect(() => loadConfig(AuthConfig, env)).toThrow(ConfigValidationError);
    expect(() => loadConfig(AuthConfig, env)).toThrow(/JWT_SECRET/);
  });

  it('bounds the token lifetime', () => {
    expect(() => loadConfig(AuthConfig, { JWT_SECRET: SECRET, ACCESS_TOKEN_TTL_SECONDS: '59' })).toThrow(
      ConfigValidationError,
    );
    expect(() => loadConfig(AuthConfig, { JWT_SECRET: SECRET, ACCESS_TOKEN_TTL_SECONDS: '2592001' })).toThrow(
      ConfigValidationError,
    );
    expect(
      loadConfig(AuthConfig, { JWT_SECRET: SECRET, ACCESS_TOKEN_TTL_SECONDS: '60' }).ACCESS_TOKEN_TTL_SECONDS,
    ).toBe(60);
  });
});

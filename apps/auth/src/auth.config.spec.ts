import { ConfigValidationError, loadConfig } from '@app/common';
import { AuthConfig } from './auth.config';

const SECRET = 'x'.repeat(32);

describe('AuthConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig(AuthConfig, { JWT_SECRET: SECRET });
    expect(config).toMatchObject({
      HTTP_PORT: 3001,
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_SECONDS: 2_592_000,
      GUEST_REFRESH_TOKEN_TTL_SECONDS: 86_400,
      LOGIN_MAX_FAILURES_PER_ACCOUNT: 5,
      LOGIN_MAX_FAILURES_PER_IP: 50,
      LOGIN_FAILURE_WINDOW_SECONDS: 900,
      AVATAR_MAX_BYTES: 2 * 1024 * 1024,
      ADMIN_USERNAME: '',
      ADMIN_PASSWORD: '',
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

  it('takes the broker management API and the address bots use, and refuses other shapes', () => {
    expect(loadConfig(AuthConfig, { JWT_SECRET: SECRET })).toMatchObject({
      RABBITMQ_MANAGEMENT_URL: 'http://guest:guest@127.0.0.1:15672',
      INTEGRATIONS_AMQP_URL: '',
    });
    expect(
      loadConfig(AuthConfig, {
        JWT_SECRET: SECRET,
        INTEGRATIONS_AMQP_URL: 'amqps://broker.example.com:5671',
      }),
    ).toMatchObject({ INTEGRATIONS_AMQP_URL: 'amqps://broker.example.com:5671' });
    for (const bad of [
      { RABBITMQ_MANAGEMENT_URL: 'rabbit:15672' },
      { INTEGRATIONS_AMQP_URL: 'amqp://user:secret@broker:5672' },
      { INTEGRATIONS_AMQP_URL: 'amqp://broker:5672/vhost' },
      { INTEGRATIONS_AMQP_URL: 'http://broker' },
    ]) {
      expect(() => loadConfig(AuthConfig, { JWT_SECRET: SECRET, ...bad })).toThrow(ConfigValidationError);
    }
  });

  it('bounds the token lifetime', () => {
    expect(() => loadConfig(AuthConfig, { JWT_SECRET: SECRET, ACCESS_TOKEN_TTL_SECONDS: '59' })).toThrow(
      ConfigValidationError,
    );
    expect(() => loadConfig(AuthConfig, { JWT_SECRET: SECRET, ACCESS_TOKEN_TTL_SECONDS: '86401' })).toThrow(
      ConfigValidationError,
    );
    expect(
      loadConfig(AuthConfig, { JWT_SECRET: SECRET, ACCESS_TOKEN_TTL_SECONDS: '60' }).ACCESS_TOKEN_TTL_SECONDS,
    ).toBe(60);
  });

  it('wants a refresh token to outlive the access token', () => {
    expect(() =>
      loadConfig(AuthConfig, {
        JWT_SECRET: SECRET,
        ACCESS_TOKEN_TTL_SECONDS: '3600',
        REFRESH_TOKEN_TTL_SECONDS: '3600',
      }),
    ).toThrow(/REFRESH_TOKEN_TTL_SECONDS must be greater than ACCESS_TOKEN_TTL_SECONDS/);
  });

  it('wants the admin name and password together', () => {
    expect(() => loadConfig(AuthConfig, { JWT_SECRET: SECRET, ADMIN_USERNAME: 'admin' })).toThrow(
      /ADMIN_USERNAME and ADMIN_PASSWORD must be set together/,
    );
    expect(() => loadConfig(AuthConfig, { JWT_SECRET: SECRET, ADMIN_PASSWORD: 'a long secret' })).toThrow(
      /ADMIN_PASSWORD and ADMIN_USERNAME must be set together/,
    );
    expect(
      loadConfig(AuthConfig, { JWT_SECRET: SECRET, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'a long secret' })
        .ADMIN_USERNAME,
    ).toBe('admin');
  });
});

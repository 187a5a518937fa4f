import { CommonErrorCode } from '@app/contracts';
import { AppException, isDatabaseUnavailable, toErrorPayload } from './app.exception';

const withCode = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('toErrorPayload', () => {
  it('keeps an AppException as it is', () => {
    expect(toErrorPayload(new AppException(CommonErrorCode.NOT_FOUND, 'gone'))).toEqual({
      code: CommonErrorCode.NOT_FOUND,
      message: 'gone',
    });
  });

  it.each([
    ['the database system is shutting down', '57P03'],
    ['the database system is starting up', '57P03'],
    ['terminating connection due to administrator command', '57P01'],
    ['terminating connection because of crash of another server process', '57P02'],
    ['connection failure', '08006'],
    ['connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'],
    ['read ECONNRESET', 'ECONNRESET'],
    ['Connection terminated unexpectedly', undefined],
  ])('answers a database that is away (%s) as service_unavailable, retryable', (message, code) => {
    const err = withCode(message, code);
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(toErrorPayload(err).code).toBe(CommonErrorCode.SERVICE_UNAVAILABLE);
    // Wrapped the way TypeORM wraps driver errors.
    expect(isDatabaseUnavailable({ message: 'query failed', driverError: err })).toBe(true);
  });

  it.each([
    ['duplicate key value violates unique constraint', '23505'],
    ['invalid byte sequence for encoding "UTF8": 0x00', '22021'],
    ['Cannot read properties of undefined', undefined],
  ])('keeps every other failure internal, its message inside (%s)', (message, code) => {
    expect(isDatabaseUnavailable(withCode(message, code))).toBe(false);
    expect(toErrorPayload(withCode(message, code))).toEqual({
      code: CommonErrorCode.INTERNAL,
      message: 'Internal error',
    });
  });
});

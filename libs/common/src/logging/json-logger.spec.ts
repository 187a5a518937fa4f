import { runWithContext } from '../context/request-context';
import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  const capture = (fn: () => void): Array<Record<string, unknown>> => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      fn();
    } finally {
      spy.mockRestore();
    }
    return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  it('writes one JSON object per line with the correlation id of the work in progress', () => {
    const logger = new JsonLogger('room', 'info');
    const [line] = capture(() => runWithContext('abc-123', () => logger.warn('slow query', 'Rooms')));
    expect(line).toMatchObject({
      level: 'warn',
      service: 'room',
      context: 'Rooms',
      msg: 'slow query',
      correlationId: 'abc-123',
    });
  });

  it('replaces an unsafe incoming id instead of logging it', () => {
    const logger = new JsonLogger('gateway', 'info');
    const [line] = capture(() => runWithContext('evil\n{"level":"fatal"}', () => logger.log('x')));
    expect(line.correlationId).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('drops lines below its level', () => {
    expect(capture(() => new JsonLogger('auth', 'warn').log('quiet'))).toEqual([]);
  });
});

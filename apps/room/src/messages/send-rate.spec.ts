import { RoomConfig } from '../room.config';
import { SendRateLimiter } from './send-rate';

describe('SendRateLimiter', () => {
  const limiter = () =>
    new SendRateLimiter(Object.assign(new RoomConfig(), { SEND_RATE_PER_SECOND: 2, SEND_BURST: 3 }));

  it('allows a burst, then refuses with how long to wait, then refills at the rate', () => {
    const l = limiter();
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) l.take('u', t0);
    expect(() => l.take('u', t0)).toThrow(expect.objectContaining({ code: 'common.rate_limited' }));
    try {
      l.take('u', t0);
    } catch (err) {
      expect((err as { details: Array<{ reason: string }> }).details[0].reason).toBe('500');
    }
    expect(() => l.take('u', t0 + 500)).not.toThrow();
    expect(() => l.take('u', t0 + 500)).toThrow();
    l.onModuleDestroy();
  });

  it('keeps users apart', () => {
    const l = limiter();
    for (let i = 0; i < 3; i++) l.take('a', 0);
    expect(() => l.take('b', 0)).not.toThrow();
    l.onModuleDestroy();
  });
});

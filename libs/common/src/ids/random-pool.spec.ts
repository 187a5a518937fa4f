import { pooledRandomBytes } from './random-pool';

describe('pooledRandomBytes', () => {
  it('hands out each stretch of the pool once, across refills', () => {
    const seen = new Set<string>();
    // 9-byte pieces do not divide the 4096-byte pool: each refill leaves a short tail unused.
    for (let i = 0; i < 3_000; i++) {
      const bytes = pooledRandomBytes(9);
      expect(bytes).toHaveLength(9);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe(3_000);
  });

  it('refuses large requests (those want crypto.randomBytes)', () => {
    expect(() => pooledRandomBytes(65)).toThrow(RangeError);
  });
});

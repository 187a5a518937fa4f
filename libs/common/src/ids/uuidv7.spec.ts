import { uuidv7 } from './uuidv7';

const SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('is a version 7, variant 1 UUID whose first 48 bits are the time in ms', () => {
    const at = Date.UTC(2026, 11, 7, 7, 30);
    const id = uuidv7(at);
    expect(id).toMatch(SHAPE);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts in creation order, also within one millisecond', () => {
    const at = Date.now() + 60_000;
    const ids = Array.from({ length: 1_000 }, () => uuidv7(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  // The random part comes from a pool refilled every 256 ids: across refills, none repeats.
  it('never hands out the same random bits twice', () => {
    const tails = new Set<string>();
    let at = Date.now() + 120_000;
    for (let i = 0; i < 2_000; i++) tails.add(uuidv7((at += 2)).slice(19));
    expect(tails.size).toBe(2_000);
  });
});

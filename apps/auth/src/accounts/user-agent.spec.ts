import { cleanUserAgent } from './user-agent';

describe('cleanUserAgent', () => {
  it('keeps an ordinary user agent', () => {
    expect(cleanUserAgent('Mozilla/5.0 (X11; Linux x86_64)')).toBe('Mozilla/5.0 (X11; Linux x86_64)');
  });

  it('has none for missing or blank', () => {
    expect(cleanUserAgent(undefined)).toBeNull();
    expect(cleanUserAgent('  ')).toBeNull();
  });

  it('makes it storable: no NUL or controls, no lone surrogates', () => {
    expect(cleanUserAgent('a\u0000b\nc')).toBe('a b c');
    expect(cleanUserAgent('x\uD800y')).toBe('x\uFFFDy');
    expect(cleanUserAgent('ok 😀')).toBe('ok 😀');
  });
});

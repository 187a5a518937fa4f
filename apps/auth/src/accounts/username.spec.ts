import { checkDisplayName, checkUsername, usernameKey } from './username';

const HAN_NFC = '\uD55C'; // 한 as one precomposed syllable
const HAN_NFD = '\u1112\u1161\u11AB'; // 한 as three conjoining jamo

describe('checkUsername', () => {
  it.each([
    '김민수',
    '행복한_채팅',
    'alice',
    'Alice.Kim',
    'bob-99',
    '_x_',
    '42',
    'Zoë',
    'Ελένη',
    'даша',
    '山田太郎',
  ])('accepts %s', (name) => {
    expect(checkUsername(name)).toEqual({ ok: true, value: name });
  });

  it('stores the name as entered, NFC and trimmed', () => {
    expect(checkUsername(`  ${HAN_NFD}결 `)).toEqual({ ok: true, value: `${HAN_NFC}결` });
  });

  it.each([
    ['emoji', 'happy😀'],
    ['a space inside', 'alice kim'],
    ['punctuation', 'alice!'],
    ['an @', 'a@b'],
    ['a control character', 'al\u0000ice'],
    ['a zero-width joiner', 'al\u200Dice'],
  ])('refuses %s', (_label, name) => {
    expect(checkUsername(name)).toEqual({
      ok: false,
      reason: 'Username may contain only letters, digits, "_", "." and "-"',
    });
  });

  it.each(['.alice', 'alice.', '-alice', 'alice-'])('refuses %s (leading or trailing . or -)', (name) => {
    expect(checkUsername(name)).toEqual({
      ok: false,
      reason: 'Username must not start or end with "." or "-"',
    });
  });

  it('counts length in code points, after trimming', () => {
    expect(checkUsername('김').ok).toBe(false);
    expect(checkUsername(' a ').ok).toBe(false);
    expect(checkUsername('김민').ok).toBe(true);
    expect(checkUsername('가'.repeat(32)).ok).toBe(true);
    expect(checkUsername('가'.repeat(33))).toEqual({
      ok: false,
      reason: 'Username must be 2 to 32 characters long',
    });
    // NFD jamo are three code points per syllable before normalisation; the limit applies after.
    expect(checkUsername(HAN_NFD.repeat(32))).toEqual({ ok: true, value: HAN_NFC.repeat(32) });
  });
});

describe('usernameKey', () => {
  it('is case-insensitive', () => {
    expect(usernameKey('Alice')).toBe(usernameKey('alice'));
    expect(usernameKey('ΕΛΕΝΗ')).toBe(usernameKey('ελενη'));
  });

  it('treats NFC and NFD forms of 한 as the same user', () => {
    expect(HAN_NFC).not.toBe(HAN_NFD);
    expect(usernameKey(HAN_NFD)).toBe(usernameKey(HAN_NFC));
    expect(usernameKey(`${HAN_NFD}결`)).toBe(`${HAN_NFC}결`);
  });

  it('ignores surrounding spaces, and keeps Korean unchanged', () => {
    expect(usernameKey(' 행복한_채팅 ')).toBe('행복한_채팅');
  });

  it('stays NFC when lowercasing decomposes', () => {
    const key = usernameKey('İstanbul');
    expect(key).toBe(key.normalize('NFC'));
  });
});

describe('checkDisplayName', () => {
  it('defaults to the username', () => {
    expect(checkDisplayName(undefined, '김민수')).toEqual({ ok: true, value: '김민수' });
  });

  it('accepts spaces and emoji inside, trims, normalises', () => {
    expect(checkDisplayName('  민수 🐻 Kim ', 'x')).toEqual({ ok: true, value: '민수 🐻 Kim' });
    expect(checkDisplayName(HAN_NFD, 'x')).toEqual({ ok: true, value: HAN_NFC });
  });

  it('refuses blank, too long and control characters', () => {
    expect(checkDisplayName('   ', 'x')).toEqual({
      ok: false,
      reason: 'Display name must be 1 to 50 characters long',
    });
    expect(checkDisplayName('😀'.repeat(50), 'x').ok).toBe(true);
    expect(checkDisplayName('😀'.repeat(51), 'x').ok).toBe(false);
    expect(checkDisplayName('a\nb', 'x')).toEqual({
      ok: false,
      reason: 'Display name must not contain control characters',
    });
    expect(checkDisplayName('a\u2028b', 'x').ok).toBe(false);
  });
});

import { normalizePassword, passwordWeakness } from './password-policy';
import { usernameKey } from './username';

describe('passwordWeakness', () => {
  const key = usernameKey('Alice');

  it.each(['correct horse battery', 'Tr0ub4dor&3', '행복한채팅방비밀', '🐻🐼🐨🐯🦁🐮🐷🐸'])(
    'accepts %s',
    (pw) => {
      expect(passwordWeakness(pw, key)).toBeNull();
    },
  );

  it('counts code points, so 8 emoji are 8 characters', () => {
    expect(passwordWeakness('🐻🐼🐨🐯🦁🐮🐷', key)).toBe('Password must be at least 8 characters long');
    expect(passwordWeakness('short', key)).toBe('Password must be at least 8 characters long');
  });

  it('refuses the username, whatever the case', () => {
    const longName = usernameKey('AliceWonderland');
    expect(passwordWeakness('aliceWONDERLAND', longName)).toBe(
      'Password must not be the same as your username',
    );
  });

  it('refuses one character repeated', () => {
    expect(passwordWeakness('zzzzzzzzzz', key)).toBe('Password must not be a single character repeated');
    expect(passwordWeakness('가가가가가가가가', key)).toBe(
      'Password must not be a single character repeated',
    );
  });

  it.each([
    'password',
    'PASSWORD',
    '12345678',
    'qwertyui',
    'iloveyou',
    'password1',
    'qwerty123',
    'abc12345',
    'qwer1234',
  ])('refuses the common %s', (pw) => {
    expect(passwordWeakness(pw, key)).toBe(
      'This password is too common and easy to guess; choose another one',
    );
  });

  it('normalises to NFC, so composed and decomposed Hangul are one password', () => {
    expect(normalizePassword('\u1112\u1161\u11AB')).toBe('\uD55C');
  });
});

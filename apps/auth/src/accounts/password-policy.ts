import { Limits } from '@app/contracts';
import { codePointLength } from './username';

/**
 * Passwords among the most used in public breach corpora (and the obvious local ones) that the
 * length rule alone would let through. Compared case-insensitively.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  'password',
  'password1',
  'password12',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  '12345678',
  '123456789',
  '1234567890',
  '87654321',
  '12341234',
  '11223344',
  '11111111',
  '00000000',
  'qwertyui',
  'qwertyuiop',
  'qwerty12',
  'qwerty123',
  'qwer1234',
  '1q2w3e4r',
  '1q2w3e4r5t',
  'q1w2e3r4',
  'asdfghjk',
  'asdf1234',
  'zxcvbnm1',
  'abc12345',
  'abcd1234',
  'a1234567',
  'iloveyou',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'superman',
  'starwars',
  'trustno1',
  'welcome1',
  'letmein1',
  'admin123',
  'administrator',
  'happychat',
]);

/**
 * Passwords are NFC-normalised before hashing and checking, so the same password typed on
 * systems that compose characters differently (e.g. Hangul as syllables or as jamo) still matches.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

/** Null when acceptable; otherwise why not, in words a person understands. */
export function passwordWeakness(password: string, usernameKey: string): string | null {
  const pw = normalizePassword(password);
  const length = codePointLength(pw);
  if (length < Limits.PASSWORD_MIN) return `Password must be at least ${Limits.PASSWORD_MIN} characters long`;
  if (length > Limits.PASSWORD_MAX) return `Password must be at most ${Limits.PASSWORD_MAX} characters long`;
  const lower = pw.toLowerCase().normalize('NFC');
  if (lower === usernameKey) return 'Password must not be the same as your username';
  if (new Set(pw).size === 1) return 'Password must not be a single character repeated';
  if (COMMON_PASSWORDS.has(lower)) return 'This password is too common and easy to guess; choose another one';
  return null;
}

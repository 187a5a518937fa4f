import { Limits } from '@app/contracts';

/**
 * Username and display-name rules. Pure functions, so the rules are tested without a database.
 *
 * A username is stored as entered (NFC, trimmed) and looked up by its key: NFC + lowercase, so
 * 'Alice' and 'alice' — or '한' typed as one precomposed syllable and as three jamo — are one user.
 */

export type NameCheck = { ok: true; value: string } | { ok: false; reason: string };

const USERNAME_CHARS = /^[\p{L}\p{N}_.-]+$/u;
const USERNAME_EDGE = /^[.-]|[.-]$/;
/** C0/C1 controls and the line/paragraph separators: nothing a person means to put in a name. */
const CONTROL_CHARS = /[\p{Cc}\p{Zl}\p{Zp}]/u;

export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function normalizeName(raw: string): string {
  return raw.normalize('NFC').trim();
}

/** The case-insensitive identity of a username. Lowercasing can decompose (İ → i̇), hence NFC again. */
export function usernameKey(raw: string): string {
  return normalizeName(raw).toLowerCase().normalize('NFC');
}

export function checkUsername(raw: string): NameCheck {
  const value = normalizeName(raw);
  const length = codePointLength(value);
  if (length < Limits.USERNAME_MIN || length > Limits.USERNAME_MAX) {
    return {
      ok: false,
      reason: `Username must be ${Limits.USERNAME_MIN} to ${Limits.USERNAME_MAX} characters long`,
    };
  }
  if (!USERNAME_CHARS.test(value)) {
    return { ok: false, reason: 'Username may contain only letters, digits, "_", "." and "-"' };
  }
  if (USERNAME_EDGE.test(value)) {
    return { ok: false, reason: 'Username must not start or end with "." or "-"' };
  }
  return { ok: true, value };
}

/** Optional on registration: without one, people see the username. */
export function checkDisplayName(raw: string | undefined, username: string): NameCheck {
  if (raw === undefined) return { ok: true, value: username };
  const value = normalizeName(raw);
  const length = codePointLength(value);
  if (length < 1 || length > Limits.DISPLAY_NAME_MAX) {
    return { ok: false, reason: `Display name must be 1 to ${Limits.DISPLAY_NAME_MAX} characters long` };
  }
  if (CONTROL_CHARS.test(value))
    return { ok: false, reason: 'Display name must not contain control characters' };
  return { ok: true, value };
}

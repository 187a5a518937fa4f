import { AuthLimits, Limits } from '@app/contracts';

/**
 * Username and display-name rules. Pure functions, so the rules are tested without a database.
 *
 * A username is stored as entered (NFC, trimmed) and looked up by its key: NFKC + lowercase, so
 * 'Alice', 'alice' and fullwidth 'Ａｌｉｃｅ' — or '한' typed as one precomposed syllable and as
 * three jamo — are one user. A few names that would let someone pose as staff are reserved.
 */

export type NameCheck = { ok: true; value: string } | { ok: false; reason: string };

/**
 * Letters (each optionally followed by up to four combining marks, which Hindi, Thai and many other
 * scripts need: 'अमित', 'นิด'), digits, '_', '.', '-'. A mark may not stand alone or pile up.
 */
const USERNAME_CHARS = /^(?:\p{L}\p{M}{0,4}|\p{N}|[_.-])+$/u;
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

/**
 * The identity of a username: NFKC folds compatibility look-alikes (fullwidth 'Ａ', 'ﬁ' ligatures,
 * halfwidth kana) into their plain forms, then lowercase. Lowercasing can decompose (İ → i̇),
 * hence NFKC again.
 */
export function usernameKey(raw: string): string {
  return normalizeName(raw).normalize('NFKC').toLowerCase().normalize('NFKC');
}

/** Compared by key, so 'ADMIN' and 'ａｄｍｉｎ' are reserved too. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(
  [
    'admin',
    'administrator',
    'root',
    'system',
    'happychat',
    'happy_chat',
    'happy.chat',
    'happy-chat',
    'moderator',
    'mod',
    'staff',
    'support',
    'official',
    'security',
    'guest',
    'anonymous',
    'everyone',
    'null',
    'undefined',
    '관리자',
    '운영자',
    '시스템',
    '해피챗',
  ].map((name) => usernameKey(name)),
);

export function isReservedUsername(raw: string): boolean {
  return RESERVED_KEYS.has(usernameKey(raw));
}

/** `allowReserved` only for the admin account the operator names in configuration. */
export function checkUsername(raw: string, options: { allowReserved?: boolean } = {}): NameCheck {
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
  if (!options.allowReserved && isReservedUsername(value)) {
    return { ok: false, reason: 'This username is reserved' };
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

/** Status text: optional, may be emptied; trimmed, NFC, no control characters. */
export function checkStatusText(raw: string): NameCheck {
  const value = normalizeName(raw);
  if (codePointLength(value) > AuthLimits.STATUS_TEXT_MAX) {
    return { ok: false, reason: `Status text must be at most ${AuthLimits.STATUS_TEXT_MAX} characters long` };
  }
  if (CONTROL_CHARS.test(value))
    return { ok: false, reason: 'Status text must not contain control characters' };
  return { ok: true, value };
}

/** How display names are searched: the same folding as username keys. */
export function searchKey(raw: string): string {
  return usernameKey(raw);
}

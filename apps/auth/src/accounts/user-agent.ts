const MAX_LENGTH = 512;
const CONTROL_CHARS = /\p{Cc}+/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A user agent is whatever the client sent, shown back later in a session list. Keep it printable
 * and storable (PostgreSQL text refuses NUL); an empty one is no user agent at all.
 */
export function cleanUserAgent(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const cleaned = raw
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(CONTROL_CHARS, ' ')
    .trim()
    .slice(0, MAX_LENGTH);
  return cleaned === '' ? null : cleaned;
}

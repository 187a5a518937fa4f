import type { ErrorDetail } from '../errors';

export const AuthLimits = {
  /** Status text, counted in code points. */
  STATUS_TEXT_MAX: 140,
  /** User search: query length (code points) and page size. */
  SEARCH_QUERY_MAX: 64,
  SEARCH_LIMIT_DEFAULT: 10,
  SEARCH_LIMIT_MAX: 20,
  ADMIN_PAGE_DEFAULT: 50,
  ADMIN_PAGE_MAX: 100,
  /** Upper bound on the wire; the configured AVATAR_MAX_BYTES (default 2 MiB) is the real cap. */
  AVATAR_WIRE_MAX_BYTES: 16 * 1024 * 1024,
  /** A refresh token is 32 random bytes, base64url: 43 characters. */
  REFRESH_TOKEN_LENGTH: 43,
} as const;

export const AVATAR_CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type AvatarContentType = (typeof AVATAR_CONTENT_TYPES)[number];

/**
 * A `common.rate_limited` refusal says when to come back in a detail of this field (whole
 * seconds); the gateway turns it into a `Retry-After` header.
 */
export const RETRY_AFTER_FIELD = 'retryAfterSeconds';

export function retryAfterDetail(seconds: number): ErrorDetail {
  return { field: RETRY_AFTER_FIELD, reason: String(Math.max(1, Math.ceil(seconds))) };
}

export function readRetryAfter(details: ErrorDetail[] | undefined): number | undefined {
  const raw = details?.find((d) => d.field === RETRY_AFTER_FIELD)?.reason;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: 256 bits no one can guess, safe in JSON and headers as is. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Stored instead of the token: a database leak must not hand out working sessions. */
export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

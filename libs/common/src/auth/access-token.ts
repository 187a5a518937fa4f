import { sign, verify, TokenExpiredError } from 'jsonwebtoken';
import { AuthErrorCode, UserRole } from '@app/contracts';
import { AppException } from '../errors/app.exception';

export interface AccessClaims {
  /** User id. */
  sub: string;
  /** Session id: one per login (device); revocation works per session. */
  sid: string;
  username: string;
  name: string;
  role: UserRole;
}

const ISSUER = 'happychat';
const AUDIENCE = 'happychat';

export function signAccessToken(
  claims: AccessClaims,
  secret: string,
  ttlSeconds: number,
): { token: string; expiresAt: Date } {
  const token = sign({ ...claims, typ: 'access' }, secret, {
    algorithm: 'HS256',
    expiresIn: ttlSeconds,
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  return { token, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
}

/** Verify signature, algorithm (HS256 only: `alg: none` and key confusion are refused), expiry. */
export function verifyAccessToken(token: string, secret: string): AccessClaims {
  try {
    const decoded = verify(token, secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
    }) as Record<string, unknown>;
    if (decoded.typ !== 'access' || typeof decoded.sub !== 'string' || typeof decoded.sid !== 'string') {
      throw new AppException(AuthErrorCode.TOKEN_INVALID, 'Not an access token');
    }
    return {
      sub: decoded.sub,
      sid: decoded.sid,
      username: String(decoded.username ?? ''),
      name: String(decoded.name ?? ''),
      role: (decoded.role as UserRole) ?? 'user',
    };
  } catch (err) {
    if (err instanceof AppException) throw err;
    if (err instanceof TokenExpiredError)
      throw new AppException(AuthErrorCode.TOKEN_EXPIRED, 'Access token expired');
    throw new AppException(AuthErrorCode.TOKEN_INVALID, 'Access token is not valid');
  }
}

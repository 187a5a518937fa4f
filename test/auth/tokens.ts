import { sign } from 'jsonwebtoken';

/** Access tokens no one should accept: for proving the gateway refuses each. */
export function forgedTokens(
  secret: string,
  claims: { sub: string; sid: string },
): Record<'algNone' | 'wrongKey' | 'expired' | 'notAccess' | 'garbage', string> {
  const payload = { ...claims, username: 'x', name: 'x', role: 'admin', typ: 'access' };
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return {
    algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...payload, iss: 'happychat', aud: 'happychat', exp: now + 600 })}.`,
    wrongKey: sign(payload, `${secret}-but-not-quite`, {
      algorithm: 'HS256',
      issuer: 'happychat',
      audience: 'happychat',
      expiresIn: 600,
    }),
    expired: sign({ ...payload, exp: now - 10 }, secret, {
      algorithm: 'HS256',
      issuer: 'happychat',
      audience: 'happychat',
    }),
    notAccess: sign({ ...payload, typ: 'refresh' }, secret, {
      algorithm: 'HS256',
      issuer: 'happychat',
      audience: 'happychat',
      expiresIn: 600,
    }),
    garbage: 'not.a.token',
  };
}

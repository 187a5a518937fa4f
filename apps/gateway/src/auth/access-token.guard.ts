import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AuthErrorCode } from '@app/contracts';
import { AccessClaims, AppException, verifyAccessToken } from '@app/common';
import { GatewayConfig } from '../gateway.config';
import { RevocationService } from './revocation.service';

type AuthedRequest = Request & { claims?: AccessClaims };

/**
 * Bearer tokens are verified here, locally (signature, algorithm, expiry), and the token's
 * session must not be revoked: known from revocation events, or asked of the auth service at
 * most once per session per SESSION_CHECK_TTL_MS (see RevocationService).
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly config: GatewayConfig,
    private readonly revocation: RevocationService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    if (!header)
      throw new AppException(AuthErrorCode.TOKEN_MISSING, 'Authorization: Bearer <token> required');
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new AppException(AuthErrorCode.TOKEN_INVALID, 'Authorization header must be "Bearer <token>"');
    }
    const claims = verifyAccessToken(token, this.config.JWT_SECRET);
    await this.revocation.assertActive(claims);
    req.claims = claims;
    return true;
  }
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AccessClaims => {
  const claims = ctx.switchToHttp().getRequest<AuthedRequest>().claims;
  if (!claims) throw new AppException(AuthErrorCode.TOKEN_MISSING, 'Not authenticated');
  return claims;
});

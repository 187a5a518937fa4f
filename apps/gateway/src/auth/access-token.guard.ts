import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AuthErrorCode } from '@app/contracts';
import { AccessClaims, AppException, verifyAccessToken } from '@app/common';
import { GatewayConfig } from '../gateway.config';

type AuthedRequest = Request & { claims?: AccessClaims };

/** Bearer tokens are verified here, locally: no round trip to the auth service per request. */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(private readonly config: GatewayConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    if (!header)
      throw new AppException(AuthErrorCode.TOKEN_MISSING, 'Authorization: Bearer <token> required');
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new AppException(AuthErrorCode.TOKEN_INVALID, 'Authorization header must be "Bearer <token>"');
    }
    req.claims = verifyAccessToken(token, this.config.JWT_SECRET);
    return true;
  }
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AccessClaims => {
  const claims = ctx.switchToHttp().getRequest<AuthedRequest>().claims;
  if (!claims) throw new AppException(AuthErrorCode.TOKEN_MISSING, 'Not authenticated');
  return claims;
});

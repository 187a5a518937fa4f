import { Global, Module } from '@nestjs/common';
import { AccessTokenGuard } from './access-token.guard';
import { AuthController } from './auth.controller';
import { RevocationService } from './revocation.service';

/** Global: every controller's AccessTokenGuard, and the realtime server, use the one RevocationService. */
@Global()
@Module({
  controllers: [AuthController],
  providers: [RevocationService, AccessTokenGuard],
  exports: [RevocationService, AccessTokenGuard],
})
export class GatewayAuthModule {}

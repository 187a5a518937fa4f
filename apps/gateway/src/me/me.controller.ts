import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessClaims } from '@app/common';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';

export interface SessionUserView {
  id: string;
  username: string;
  displayName: string;
  role: AccessClaims['role'];
  sessionId: string;
}

@ApiTags('me')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'Who the access token belongs to' })
  me(@CurrentUser() user: AccessClaims): SessionUserView {
    return {
      id: user.sub,
      username: user.username,
      displayName: user.name,
      role: user.role,
      sessionId: user.sid,
    };
  }
}

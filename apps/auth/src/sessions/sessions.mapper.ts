import type { AuthResultView, SessionView } from '@app/contracts';
import { toUserView } from '../accounts/accounts.mapper';
import type { SessionEntity } from './entities/session.entity';
import type { Authenticated } from './sessions.service';

export function toAuthResultView(result: Authenticated): AuthResultView {
  return {
    user: toUserView(result.user),
    accessToken: result.accessToken,
    expiresAt: result.expiresAt.toISOString(),
    refreshToken: result.refreshToken,
    refreshExpiresAt: result.refreshExpiresAt.toISOString(),
  };
}

export function toSessionView(session: SessionEntity, currentSessionId: string): SessionView {
  return {
    id: session.id,
    userAgent: session.userAgent,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    current: session.id === currentSessionId,
  };
}

import type { AuthResultView, UserView } from '@app/contracts';
import type { Authenticated } from './accounts.service';
import type { UserEntity } from './entities/user.entity';

export function toUserView(user: UserEntity): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
  };
}

export function toAuthResultView(result: Authenticated): AuthResultView {
  return {
    user: toUserView(result.user),
    accessToken: result.accessToken,
    expiresAt: result.expiresAt.toISOString(),
  };
}

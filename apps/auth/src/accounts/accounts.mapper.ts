import type { UserView } from '@app/contracts';
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

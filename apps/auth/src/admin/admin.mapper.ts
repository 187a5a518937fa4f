import type { AdminUserView } from '@app/contracts';
import { toUserView } from '../accounts/accounts.mapper';
import type { UserEntity } from '../accounts/entities/user.entity';

export function toAdminUserView(user: UserEntity): AdminUserView {
  return {
    ...toUserView(user),
    statusText: user.statusText,
    deactivatedAt: user.deactivatedAt ? user.deactivatedAt.toISOString() : null,
  };
}

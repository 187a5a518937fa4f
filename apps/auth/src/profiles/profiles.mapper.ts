import type { ProfileView } from '@app/contracts';
import type { ProfileRow } from './profiles.repository';

export function toProfileView(row: ProfileRow): ProfileView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    statusText: row.statusText,
    hasAvatar: row.hasAvatar,
    role: row.role,
  };
}

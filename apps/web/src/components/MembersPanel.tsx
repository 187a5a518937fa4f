import type { MemberView } from '@app/contracts/views';
import { useEffect, useMemo } from 'react';
import { t } from '../lib/i18n';
import { useApp } from '../state/app';
import { Avatar } from './Avatar';
import { PresenceDot } from './PresenceDot';

export const roleOrder = { owner: 0, admin: 1, member: 2 } as const;
const statusOrder = { online: 0, away: 1, offline: 2 } as const;

export function MembersPanel({
  roomId,
  members,
  onClose,
}: {
  roomId: string;
  members: Record<string, MemberView>;
  onClose: () => void;
}) {
  const myId = useApp((s) => s.session?.user.id);
  const presence = useApp((s) => s.presence);
  const list = useMemo(
    () =>
      Object.values(members).sort(
        (a, b) =>
          statusOrder[presence[a.userId]?.status ?? 'offline'] -
            statusOrder[presence[b.userId]?.status ?? 'offline'] ||
          roleOrder[a.role] - roleOrder[b.role] ||
          a.displayName.localeCompare(b.displayName),
      ),
    [members, presence],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div
      className="members-panel"
      id="members-panel"
      role="region"
      aria-label={t('members.title')}
      data-room-id={roomId}
    >
      <div className="members-panel-head">
        <strong>
          {t('members.title')} · {list.length}
        </strong>
        <button type="button" className="icon-button" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </div>
      <ul data-testid="members-list">
        {list.map((m) => (
          <li key={m.userId} data-testid="member" data-user-id={m.userId}>
            <span className="avatar-wrap">
              <Avatar id={m.userId} name={m.displayName} size="sm" photo />
              <PresenceDot userId={m.userId} />
            </span>
            <span className="member-name">
              {m.displayName}
              {m.userId === myId && <span className="muted"> {t('common.youParen')}</span>}
            </span>
            {m.bot && <span className="kind-tag">{t('bots.badge')}</span>}
            {m.role !== 'member' && <span className={`role-tag role-${m.role}`}>{t(`role.${m.role}`)}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

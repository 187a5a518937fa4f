import type { MemberView } from '@app/contracts/views';
import { useEffect, useMemo } from 'react';
import { useApp } from '../state/app';
import { Avatar } from './Avatar';

const roleOrder = { owner: 0, admin: 1, member: 2 } as const;

export function MembersPanel({
  members,
  onClose,
}: {
  members: Record<string, MemberView>;
  onClose: () => void;
}) {
  const myId = useApp((s) => s.session?.user.id);
  const list = useMemo(
    () =>
      Object.values(members).sort(
        (a, b) => roleOrder[a.role] - roleOrder[b.role] || a.displayName.localeCompare(b.displayName),
      ),
    [members],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="members-panel" id="members-panel" role="region" aria-label="Members">
      <div className="members-panel-head">
        <strong>Members · {list.length}</strong>
        <button type="button" className="icon-button" aria-label="Close members" onClick={onClose}>
          ×
        </button>
      </div>
      <ul>
        {list.map((m) => (
          <li key={m.userId}>
            <Avatar id={m.userId} name={m.displayName} size="sm" />
            <span className="member-name">
              {m.displayName}
              {m.userId === myId && <span className="muted"> (you)</span>}
            </span>
            {m.role !== 'member' && <span className={`role-tag role-${m.role}`}>{m.role}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

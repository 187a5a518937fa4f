import { useState } from 'react';
import { inviteLink, routeHash } from '../lib/route';
import { useApp } from '../state/app';
import { CopyButton } from './CopyButton';
import { MembersPanel } from './MembersPanel';

export function RoomHeader({ roomId }: { roomId: string }) {
  const entry = useApp((s) => s.rooms[roomId]);
  const members = useApp((s) => s.members[roomId]);
  const [showMembers, setShowMembers] = useState(false);
  const count = members ? Object.keys(members).length : entry?.room.memberCount;
  const name = entry?.room.name ?? 'Room';

  return (
    <header className="room-header">
      <a className="back-button icon-button" href={routeHash({ name: 'home' })} aria-label="Back to rooms">
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <path
            d="M15 5l-7 7 7 7"
            fill="none"
            stroke="currentColor"
            strokeWidth="2.2"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
      </a>
      <div className="room-header-main">
        <h2 id="room-title" className="room-title" data-testid="room-title">
          {name}
        </h2>
        <div className="room-header-sub">
          {count !== undefined && (
            <button
              type="button"
              className="link-button member-count"
              aria-expanded={showMembers}
              aria-controls="members-panel"
              onClick={() => setShowMembers((v) => !v)}
            >
              {count} {count === 1 ? 'member' : 'members'}
            </button>
          )}
          <span className="room-id-wrap">
            <span className="muted">ID</span>{' '}
            <code className="room-id" data-testid="room-id" title={roomId}>
              {roomId}
            </code>
          </span>
        </div>
      </div>
      <div className="room-header-actions">
        <CopyButton text={roomId} label="Copy ID" testId="copy-room-id" />
        <CopyButton text={inviteLink(roomId)} label="Invite link" testId="copy-invite-link" />
      </div>
      {showMembers && members && <MembersPanel members={members} onClose={() => setShowMembers(false)} />}
    </header>
  );
}

import { useState } from 'react';
import { t, tn } from '../lib/i18n';
import { routeHash } from '../lib/route';
import { useApp } from '../state/app';
import { Avatar } from './Avatar';
import { InvitePanel } from './InvitePanel';
import { MembersPanel } from './MembersPanel';
import { PresenceDot } from './PresenceDot';
import { SearchPanel } from './SearchPanel';
import { SearchIcon } from './SearchScreen';
import { dmPartner, useRoomTitle } from './roomName';

type Panel = 'members' | 'invite' | 'search' | null;

export function RoomHeader({ roomId }: { roomId: string }) {
  const entry = useApp((s) => s.rooms[roomId]);
  const members = useApp((s) => s.members[roomId]);
  const partner = useApp((s) => (entry?.room.kind === 'direct' ? dmPartner(s, roomId) : undefined));
  const partnerStatus = useApp((s) => (partner ? (s.presence[partner]?.status ?? 'offline') : undefined));
  const online = useApp((s) =>
    members ? Object.keys(members).filter((id) => s.presence[id]?.status === 'online').length : 0,
  );
  const title = useRoomTitle(roomId);
  const [panel, setPanel] = useState<Panel>(null);
  const count = members ? Object.keys(members).length : entry?.room.memberCount;
  const room = entry?.room;
  const moderator = room?.myRole === 'owner' || room?.myRole === 'admin';
  const canInvite = moderator && room?.kind === 'group';
  const toggle = (p: Panel) => setPanel((cur) => (cur === p ? null : p));

  return (
    <header className="room-header">
      <a className="back-button icon-button" href={routeHash({ name: 'home' })} aria-label={t('room.back')}>
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
      <span className="avatar-wrap header-avatar">
        <Avatar
          id={partner ?? roomId}
          name={title}
          square={room?.kind !== 'direct'}
          photo={!!partner}
          src={room?.kind !== 'direct' ? room?.imageUrl : undefined}
        />
        {partner && <PresenceDot userId={partner} />}
      </span>
      <div className="room-header-main">
        <h2 id="room-title" className="room-title" data-testid="room-title">
          {title}
        </h2>
        <div className="room-header-sub">
          {partner ? (
            <span className="muted">{t(`presence.${partnerStatus ?? 'offline'}`)}</span>
          ) : (
            count !== undefined && (
              <button
                type="button"
                className="link-button member-count"
                aria-expanded={panel === 'members'}
                aria-controls="members-panel"
                data-testid="members-toggle"
                onClick={() => toggle('members')}
              >
                {tn('room.member', 'room.members', count)}
                {online > 0 && <span className="muted"> · {t('room.online', { n: online })}</span>}
              </button>
            )
          )}
          <code className="room-id" data-testid="room-id" title={roomId}>
            {roomId.slice(0, 8)}
          </code>
        </div>
      </div>
      <div className="room-header-actions">
        <button
          type="button"
          className="icon-button"
          data-testid="room-search-open"
          aria-label={t('search.open')}
          title={t('search.open')}
          aria-expanded={panel === 'search'}
          aria-controls="room-search-panel"
          onClick={() => toggle('search')}
        >
          <SearchIcon />
        </button>
        {canInvite && (
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            data-testid="invite-open"
            aria-expanded={panel === 'invite'}
            aria-controls="invite-panel"
            onClick={() => toggle('invite')}
          >
            {t('invite.open')}
          </button>
        )}
        {room && room.kind !== 'direct' && (
          <a
            className="icon-button"
            href={routeHash({ name: 'settings', roomId })}
            data-testid="room-settings-open"
            aria-label={t('settings.open')}
            title={t('settings.open')}
          >
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
              <path
                fill="currentColor"
                d="M19.14 12.94a7.6 7.6 0 000-1.88l2.03-1.58a.5.5 0 00.12-.64l-1.92-3.32a.5.5 0 00-.6-.22l-2.39.96a7 7 0 00-1.62-.94l-.36-2.54a.5.5 0 00-.5-.42h-3.84a.5.5 0 00-.5.42l-.36 2.54a7 7 0 00-1.62.94l-2.39-.96a.5.5 0 00-.6.22L2.71 8.84a.5.5 0 00.12.64l2.03 1.58a7.6 7.6 0 000 1.88l-2.03 1.58a.5.5 0 00-.12.64l1.92 3.32a.5.5 0 00.6.22l2.39-.96c.5.38 1.04.7 1.62.94l.36 2.54a.5.5 0 00.5.42h3.84a.5.5 0 00.5-.42l.36-2.54a7 7 0 001.62-.94l2.39.96a.5.5 0 00.6-.22l1.92-3.32a.5.5 0 00-.12-.64zM12 15.5A3.5 3.5 0 1115.5 12 3.5 3.5 0 0112 15.5z"
              />
            </svg>
          </a>
        )}
      </div>
      {panel === 'members' && members && (
        <MembersPanel roomId={roomId} members={members} onClose={() => setPanel(null)} />
      )}
      {panel === 'invite' && <InvitePanel roomId={roomId} onClose={() => setPanel(null)} />}
      {panel === 'search' && (
        <div
          className="members-panel search-dropdown"
          id="room-search-panel"
          role="dialog"
          aria-label={t('search.title')}
        >
          <SearchPanel roomId={roomId} onClose={() => setPanel(null)} />
        </div>
      )}
    </header>
  );
}

import { useMemo, useState } from 'react';
import { formatListTime, previewText } from '../lib/format';
import { t } from '../lib/i18n';
import { routeHash } from '../lib/route';
import { store, unreadOf, useApp } from '../state/app';
import { loadRooms } from '../state/rooms';
import type { RoomEntry } from '../state/types';
import { Avatar } from './Avatar';
import { PresenceDot } from './PresenceDot';
import { dmPartner, roomTitle, useRoomTitle } from './roomName';

function byActivity(a: RoomEntry, b: RoomEntry): number {
  return Date.parse(b.lastActivity) - Date.parse(a.lastActivity) || a.room.name.localeCompare(b.room.name);
}

export function RoomList({ activeRoomId }: { activeRoomId: string | null }) {
  const rooms = useApp((s) => s.rooms);
  const names = useApp((s) => s.names);
  const status = useApp((s) => s.roomsStatus);
  const [query, setQuery] = useState('');
  const sorted = useMemo(() => Object.values(rooms).sort(byActivity), [rooms]);
  const q = query.trim().toLocaleLowerCase();
  const members = useApp((s) => s.members);
  const shown = useMemo(() => {
    if (!q) return sorted;
    const state = store.get();
    return sorted.filter((e) =>
      [roomTitle(state, e.room, e.room.id), e.room.name, e.last?.content ?? ''].some((text) =>
        text.toLocaleLowerCase().includes(q),
      ),
    );
    // members and names change titles of direct rooms
  }, [sorted, q, members, names]);

  return (
    <nav className="room-list-wrap" aria-label={t('rooms.title')}>
      <div className="room-list-head">
        <h2 className="section-title">
          {t('rooms.title')} <span className="muted">{sorted.length || ''}</span>
        </h2>
        {sorted.length > 0 && (
          <input
            type="search"
            className="room-search"
            data-testid="room-search"
            aria-label={t('rooms.search')}
            placeholder={t('rooms.search')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        )}
      </div>
      {status === 'loading' && sorted.length === 0 && <p className="muted pad">{t('rooms.loading')}</p>}
      {status === 'error' && sorted.length === 0 && (
        <p className="form-error pad">
          {t('rooms.failed')}{' '}
          <button type="button" className="link-button" onClick={() => loadRooms().catch(() => undefined)}>
            {t('common.retry')}
          </button>
        </p>
      )}
      {status === 'ready' && sorted.length === 0 && <p className="muted pad">{t('rooms.empty')}</p>}
      {q && shown.length === 0 && <p className="muted pad">{t('rooms.noMatch')}</p>}
      <ul className="room-list" data-testid="room-list">
        {shown.map((entry) => (
          <RoomItem key={entry.room.id} entry={entry} active={entry.room.id === activeRoomId} />
        ))}
      </ul>
    </nav>
  );
}

function RoomItem({ entry, active }: { entry: RoomEntry; active: boolean }) {
  const { room, last } = entry;
  const unread = unreadOf(entry);
  const myId = useApp((s) => s.session?.user.id);
  const title = useRoomTitle(room.id);
  const partner = useApp((s) => (room.kind === 'direct' ? dmPartner(s, room.id) : undefined));
  const senderName = useApp((s) =>
    last ? (s.members[room.id]?.[last.senderId]?.displayName ?? s.names[last.senderId]) : undefined,
  );
  // In a direct room the other person's name is the title already.
  const who =
    last && last.kind !== 'system'
      ? last.senderId === myId
        ? t('common.you')
        : room.kind === 'direct'
          ? undefined
          : senderName
      : undefined;
  const showUnread = unread > 0 && !active;

  return (
    <li>
      <a
        href={routeHash({ name: 'room', roomId: room.id })}
        className={`room-item${active ? ' active' : ''}${showUnread ? ' has-unread' : ''}`}
        data-testid="room-item"
        data-room-id={room.id}
        data-kind={room.kind}
        aria-current={active ? 'page' : undefined}
      >
        <span className="avatar-wrap">
          <Avatar
            id={partner ?? room.id}
            name={title}
            square={room.kind !== 'direct'}
            photo={!!partner}
            src={room.kind !== 'direct' ? room.imageUrl : undefined}
          />
          {partner && <PresenceDot userId={partner} />}
        </span>
        <span className="room-item-main">
          <span className="room-item-top">
            <span className="room-item-name">
              {title}
              {room.kind === 'topic' && <span className="kind-tag">{t('rooms.topic')}</span>}
            </span>
            {last && (
              <time className="room-item-time" dateTime={last.createdAt}>
                {formatListTime(last.createdAt)}
              </time>
            )}
          </span>
          <span className="room-item-bottom">
            <span className="room-item-preview">
              {last ? (
                <>
                  {who && <span className="preview-sender">{who}: </span>}
                  {last.kind === 'image' && <span aria-hidden="true">📷 </span>}
                  {last.kind === 'image' && !last.content.trim()
                    ? t('attach.photo')
                    : previewText(last.content)}
                </>
              ) : (
                <span className="muted">{t('rooms.noMessages')}</span>
              )}
            </span>
            {showUnread && (
              <span
                className="unread-badge"
                data-testid="unread-badge"
                aria-label={t('rooms.unread', { n: unread })}
              >
                {unread > 99 ? '99+' : unread}
              </span>
            )}
          </span>
        </span>
      </a>
    </li>
  );
}

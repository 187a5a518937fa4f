import { useMemo } from 'react';
import { formatListTime, previewText } from '../lib/format';
import { routeHash } from '../lib/route';
import { useApp } from '../state/app';
import { loadRooms } from '../state/rooms';
import type { RoomEntry } from '../state/types';
import { Avatar } from './Avatar';

function byActivity(a: RoomEntry, b: RoomEntry): number {
  return Date.parse(b.lastActivity) - Date.parse(a.lastActivity) || a.room.name.localeCompare(b.room.name);
}

export function RoomList({ activeRoomId }: { activeRoomId: string | null }) {
  const rooms = useApp((s) => s.rooms);
  const status = useApp((s) => s.roomsStatus);
  const sorted = useMemo(() => Object.values(rooms).sort(byActivity), [rooms]);

  return (
    <nav className="room-list-wrap" aria-label="Your rooms">
      <h2 className="section-title">
        Rooms <span className="muted">{sorted.length || ''}</span>
      </h2>
      {status === 'loading' && sorted.length === 0 && <p className="muted pad">Loading rooms…</p>}
      {status === 'error' && sorted.length === 0 && (
        <p className="form-error pad">
          Could not load your rooms.{' '}
          <button type="button" className="link-button" onClick={() => loadRooms().catch(() => undefined)}>
            Try again
          </button>
        </p>
      )}
      {status === 'ready' && sorted.length === 0 && (
        <p className="muted pad">No rooms yet. Create one above, or join with an ID someone shared.</p>
      )}
      <ul className="room-list" data-testid="room-list">
        {sorted.map((entry) => (
          <RoomItem key={entry.room.id} entry={entry} active={entry.room.id === activeRoomId} />
        ))}
      </ul>
    </nav>
  );
}

function RoomItem({ entry, active }: { entry: RoomEntry; active: boolean }) {
  const { room, last, unread } = entry;
  const myId = useApp((s) => s.session?.user.id);
  const senderName = useApp((s) => (last ? s.members[room.id]?.[last.senderId]?.displayName : undefined));
  const who = last ? (last.senderId === myId ? 'You' : senderName) : undefined;
  const showUnread = unread > 0 && !active;

  return (
    <li>
      <a
        href={routeHash({ name: 'room', roomId: room.id })}
        className={`room-item${active ? ' active' : ''}${showUnread ? ' has-unread' : ''}`}
        data-testid="room-item"
        data-room-id={room.id}
        aria-current={active ? 'page' : undefined}
      >
        <Avatar id={room.id} name={room.name} square />
        <span className="room-item-main">
          <span className="room-item-top">
            <span className="room-item-name">{room.name}</span>
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
                  {previewText(last.content)}
                </>
              ) : (
                <span className="muted">No messages yet</span>
              )}
            </span>
            {showUnread && (
              <span className="unread-badge" data-testid="unread-badge" aria-label={`${unread} unread`}>
                {unread > 99 ? '99+' : unread}
              </span>
            )}
          </span>
        </span>
      </a>
    </li>
  );
}

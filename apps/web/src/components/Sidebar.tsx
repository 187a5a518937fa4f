import { useApp } from '../state/app';
import { logout } from '../state/session-actions';
import { Avatar } from './Avatar';
import { CreateRoomForm } from './CreateRoomForm';
import { JoinRoomForm } from './JoinRoomForm';
import { RoomList } from './RoomList';

export function Sidebar({ activeRoomId }: { activeRoomId: string | null }) {
  const user = useApp((s) => s.session?.user);
  if (!user) return null;
  return (
    <aside className="sidebar" aria-label="Rooms">
      <header className="sidebar-header">
        <Avatar id={user.id} name={user.displayName || user.username} />
        <div className="me">
          <strong data-testid="me-name">{user.displayName || user.username}</strong>
          <span className="muted">@{user.username}</span>
        </div>
        <button type="button" className="btn btn-ghost btn-sm" data-testid="logout" onClick={logout}>
          Log out
        </button>
      </header>
      <div className="sidebar-forms">
        <CreateRoomForm />
        <JoinRoomForm />
      </div>
      <RoomList activeRoomId={activeRoomId} />
    </aside>
  );
}

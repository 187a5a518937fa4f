import { t } from '../lib/i18n';
import { routeHash, type Route } from '../lib/route';
import { useApp } from '../state/app';
import { logout } from '../state/session-actions';
import { Avatar } from './Avatar';
import { CreateRoomForm } from './CreateRoomForm';
import { InvitesList } from './InvitesList';
import { JoinRoomForm } from './JoinRoomForm';
import { RoomList } from './RoomList';
import { SearchIcon } from './SearchScreen';

export function Sidebar({ activeRoomId, route }: { activeRoomId: string | null; route: Route['name'] }) {
  const user = useApp((s) => s.session?.user);
  const profile = useApp((s) => s.profile);
  const incoming = useApp((s) => s.friends?.incoming.length ?? 0);
  if (!user) return null;
  const guest = user.role === 'guest';
  const name = user.displayName || user.username;
  const tab = (to: Route['name'], label: string, extra?: number) => (
    <a
      href={routeHash({ name: to } as Route)}
      className={`tab${route === to ? ' active' : ''}`}
      aria-current={route === to ? 'page' : undefined}
      data-testid={`nav-${to}`}
    >
      {label}
      {extra ? <span className="tab-badge">{extra}</span> : null}
    </a>
  );
  return (
    <aside className="sidebar" aria-label={t('nav.sidebar')}>
      <header className="sidebar-header">
        <a
          className="me"
          href={routeHash({ name: 'profile' })}
          data-testid="nav-profile"
          title={t('nav.profile')}
        >
          <Avatar id={user.id} name={name} photo={!!profile?.hasAvatar} version={profile?.avatarVersion} />
          <span className="me-text">
            <strong data-testid="me-name">{name}</strong>
            <span className="muted">
              {guest ? t('profile.guest') : `@${user.username}`}
              {profile?.statusText ? ` · ${profile.statusText}` : ''}
            </span>
          </span>
        </a>
        <a
          className={`icon-button${route === 'search' ? ' active' : ''}`}
          href={routeHash({ name: 'search' })}
          data-testid="nav-search"
          aria-label={t('search.open')}
          title={t('search.open')}
          aria-current={route === 'search' ? 'page' : undefined}
        >
          <SearchIcon />
        </a>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          data-testid="logout"
          onClick={() => void logout()}
        >
          {t('nav.logout')}
        </button>
      </header>
      <nav className="tabs" aria-label={t('nav.sections')}>
        {tab('home', t('nav.chats'))}
        {!guest && tab('friends', t('nav.friends'), incoming)}
        {tab('topics', t('nav.topics'))}
        {user.role === 'admin' && tab('admin', t('nav.admin'))}
      </nav>
      {!guest && (
        <div className="sidebar-forms">
          <CreateRoomForm />
          <JoinRoomForm />
        </div>
      )}
      <InvitesList />
      <RoomList activeRoomId={activeRoomId} />
    </aside>
  );
}

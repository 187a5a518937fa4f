import { useEffect } from 'react';
import { errorText, t } from '../lib/i18n';
import { navigate, useRoute } from '../lib/route';
import { showToast, store, useApp } from '../state/app';
import { setActiveRoom } from '../state/navigation';
import { joinRoom } from '../state/rooms';
import { EffectsOverlay } from './EffectsOverlay';
import { FriendsScreen } from './FriendsScreen';
import { OfflineBanner } from './OfflineBanner';
import { AdminScreen } from './AdminScreen';
import { ProfileScreen } from './ProfileScreen';
import { RoomPane } from './RoomPane';
import { RoomSettings } from './RoomSettings';
import { SearchScreen } from './SearchScreen';
import { Sidebar } from './Sidebar';
import { Toast } from './Toast';
import { TopicsScreen } from './TopicsScreen';
import { useUnreadTitle } from './useUnreadTitle';

const joining = new Set<string>();

/** `#/join/<roomId>?token=…`: join with the link's token (or a pending invite), then open the room. */
function useInviteLink(): void {
  const route = useRoute();
  useEffect(() => {
    if (route.name !== 'join') return;
    const { roomId, token } = route;
    if (store.get().rooms[roomId]) {
      navigate({ name: 'room', roomId }, true);
      return;
    }
    const key = `${roomId}:${token ?? ''}`;
    if (joining.has(key)) return;
    joining.add(key);
    joinRoom(roomId, token)
      .then((room) => {
        showToast(t('join.joined', { name: room.name }));
        navigate({ name: 'room', roomId }, true);
      })
      .catch((err) => {
        showToast(errorText(err), 'error');
        navigate({ name: 'home' }, true);
      })
      .finally(() => joining.delete(key));
  }, [route]);
}

export function ChatScreen() {
  const route = useRoute();
  const activeRoomId = route.name === 'room' ? route.roomId : null;
  const roomsReady = useApp((s) => s.roomsStatus === 'ready');

  useEffect(() => {
    setActiveRoom(activeRoomId);
  }, [activeRoomId]);
  useEffect(() => () => setActiveRoom(null), []);
  useInviteLink();
  useUnreadTitle();

  let main;
  switch (route.name) {
    case 'room':
      main = <RoomPane key={route.roomId} roomId={route.roomId} />;
      break;
    case 'settings':
      main = <RoomSettings key={route.roomId} roomId={route.roomId} />;
      break;
    case 'friends':
      main = <FriendsScreen />;
      break;
    case 'topics':
      main = <TopicsScreen />;
      break;
    case 'profile':
      main = <ProfileScreen />;
      break;
    case 'search':
      main = <SearchScreen />;
      break;
    case 'admin':
      main = <AdminScreen />;
      break;
    default:
      main = (
        <div className="empty-pane">
          <img src="/icon.svg" alt="" width={72} height={72} />
          <h2>{roomsReady ? t('home.pick') : t('home.loading')}</h2>
          <p className="muted">{t('home.hint')}</p>
        </div>
      );
  }
  const hasMain = route.name !== 'home' && route.name !== 'join';

  return (
    <div className={`chat ${hasMain ? 'has-room' : 'no-room'}`}>
      <a className="skip-link" href="#main-pane">
        {t('common.skip')}
      </a>
      <OfflineBanner />
      <div className="chat-body">
        <Sidebar activeRoomId={activeRoomId} route={route.name} />
        <main className="room-pane" id="main-pane" aria-label={t('common.main')}>
          {main}
        </main>
      </div>
      <EffectsOverlay />
      <Toast />
    </div>
  );
}

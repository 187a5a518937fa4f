import { useEffect } from 'react';
import { errorMessage } from '../api/http';
import { extractRoomId } from '../lib/ids';
import { navigate, useRoute } from '../lib/route';
import { showToast, store, useApp } from '../state/app';
import { setActiveRoom } from '../state/navigation';
import { joinRoom } from '../state/rooms';
import { OfflineBanner } from './OfflineBanner';
import { RoomPane } from './RoomPane';
import { Sidebar } from './Sidebar';
import { Toast } from './Toast';
import { useUnreadTitle } from './useUnreadTitle';

const joining = new Set<string>();

/** `#/join/<roomId>`: join, then open the room. */
function useInviteLink(): void {
  const route = useRoute();
  useEffect(() => {
    if (route.name !== 'join') return;
    const roomId = extractRoomId(route.roomId);
    if (!roomId) {
      showToast('That invite link is not valid.', 'error');
      navigate({ name: 'home' }, true);
      return;
    }
    if (joining.has(roomId)) return;
    joining.add(roomId);
    const already = !!store.get().rooms[roomId];
    joinRoom(roomId)
      .then((room) => {
        if (!already) showToast(`Joined “${room.name}”`);
        navigate({ name: 'room', roomId }, true);
      })
      .catch((err) => {
        showToast(errorMessage(err), 'error');
        navigate({ name: 'home' }, true);
      })
      .finally(() => joining.delete(roomId));
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

  return (
    <div className={`chat ${activeRoomId ? 'has-room' : 'no-room'}`}>
      <OfflineBanner />
      <div className="chat-body">
        <Sidebar activeRoomId={activeRoomId} />
        <main className="room-pane" aria-label="Conversation">
          {activeRoomId ? (
            <RoomPane key={activeRoomId} roomId={activeRoomId} />
          ) : (
            <div className="empty-pane">
              <img src="/icon.svg" alt="" width={72} height={72} />
              <h2>{roomsReady ? 'Pick a conversation' : 'Loading your rooms…'}</h2>
              <p className="muted">Choose a room on the left, create one, or join with a room ID.</p>
            </div>
          )}
        </main>
      </div>
      <Toast />
    </div>
  );
}

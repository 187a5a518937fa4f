import { useState } from 'react';
import { errorMessage } from '../api/http';
import { showToast, useApp } from '../state/app';
import { loadNewest } from '../state/messages';
import { joinRoom, loadMembers } from '../state/rooms';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { RoomHeader } from './RoomHeader';

/** The open room: header, messages, composer — or why it cannot be shown. */
export function RoomPane({ roomId }: { roomId: string }) {
  const timeline = useApp((s) => s.timelines[roomId]);
  const isMember = useApp((s) => !!s.rooms[roomId]);
  const error = timeline?.status === 'error' ? timeline.error : undefined;

  if (error && !(isMember && timeline.messages.length)) {
    return (
      <section className="room" aria-labelledby="room-title">
        <RoomHeader roomId={roomId} />
        <RoomProblem roomId={roomId} code={error.code} message={error.message} />
      </section>
    );
  }

  return (
    <section className="room" aria-labelledby="room-title">
      <RoomHeader roomId={roomId} />
      <MessageList roomId={roomId} />
      <Composer roomId={roomId} />
    </section>
  );
}

function RoomProblem({ roomId, code, message }: { roomId: string; code: string; message: string }) {
  const [busy, setBusy] = useState(false);
  const notMember = code === 'room.not_member' || code === 'room.forbidden';

  async function join() {
    setBusy(true);
    try {
      await joinRoom(roomId);
      await Promise.all([loadNewest(roomId), loadMembers(roomId).catch(() => undefined)]);
    } catch (err) {
      showToast(errorMessage(err), 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="room-problem" role="alert">
      <h3>
        {notMember
          ? 'You are not in this room yet'
          : code === 'room.not_found'
            ? 'Room not found'
            : 'Could not open this room'}
      </h3>
      <p className="muted">{message}</p>
      {notMember ? (
        <button type="button" className="btn btn-primary" onClick={join} disabled={busy}>
          {busy ? 'Joining…' : 'Join room'}
        </button>
      ) : (
        <button type="button" className="btn btn-secondary" onClick={() => void loadNewest(roomId)}>
          Try again
        </button>
      )}
    </div>
  );
}

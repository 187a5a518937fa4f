import { t } from '../lib/i18n';
import { routeHash } from '../lib/route';
import { useApp } from '../state/app';
import { loadNewest } from '../state/messages';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { RoomHeader } from './RoomHeader';
import { TypingLine } from './TypingLine';

/** The open room: header, messages, typing line, composer — or why it cannot be shown. */
export function RoomPane({ roomId }: { roomId: string }) {
  const timeline = useApp((s) => s.timelines[roomId]);
  const isMember = useApp((s) => !!s.rooms[roomId]);
  const closed = useApp((s) => s.closedRooms[roomId]);
  const roomsReady = useApp((s) => s.roomsStatus === 'ready');
  const error = timeline?.status === 'error' ? timeline.error : undefined;

  if (closed && !isMember) {
    return (
      <section className="room" aria-labelledby="room-title">
        <div className="room-problem" role="alert" data-testid="room-closed" data-reason={closed.reason}>
          <h2 id="room-title">{closed.name || t('room.fallbackName')}</h2>
          <p>{t(`closed.${closed.reason}`)}</p>
          <a className="btn btn-secondary" href={routeHash({ name: 'home' })}>
            {t('closed.back')}
          </a>
        </div>
      </section>
    );
  }

  if ((error && !(isMember && timeline.messages.length)) || (roomsReady && !isMember)) {
    const code = error?.code ?? 'room.not_member';
    return (
      <section className="room" aria-labelledby="room-title">
        <div className="room-problem" role="alert" data-testid="room-problem">
          <h2 id="room-title">
            {code === 'room.not_member' || code === 'room.forbidden'
              ? t('problem.notMember')
              : code === 'room.not_found'
                ? t('problem.notFound')
                : t('problem.generic')}
          </h2>
          <p className="muted">{code === 'room.not_member' ? t('problem.notMemberHint') : error?.message}</p>
          {isMember ? (
            <button type="button" className="btn btn-secondary" onClick={() => void loadNewest(roomId)}>
              {t('common.retry')}
            </button>
          ) : (
            <a className="btn btn-secondary" href={routeHash({ name: 'home' })}>
              {t('closed.back')}
            </a>
          )}
        </div>
      </section>
    );
  }

  return (
    <section className="room" aria-labelledby="room-title">
      <RoomHeader roomId={roomId} />
      <MessageList roomId={roomId} />
      <TypingLine roomId={roomId} />
      <Composer roomId={roomId} />
    </section>
  );
}

import { t } from '../lib/i18n';
import { useApp } from '../state/app';

/** "민수 is typing…" from room.typing events (each expires after a few seconds). */
export function TypingLine({ roomId }: { roomId: string }) {
  const typing = useApp((s) => s.typing[roomId]);
  const members = useApp((s) => s.members[roomId]);
  const names = useApp((s) => s.names);
  const who = Object.keys(typing ?? {}).map(
    (id) => members?.[id]?.displayName ?? names[id] ?? t('common.someone'),
  );
  const text =
    who.length === 0
      ? ''
      : who.length === 1
        ? t('typing.one', { name: who[0] })
        : who.length === 2
          ? t('typing.two', { a: who[0], b: who[1] })
          : t('typing.many', { n: who.length });
  return (
    <div className="typing-line" aria-live="polite" data-testid="typing-line">
      {text && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {text}
        </>
      )}
    </div>
  );
}

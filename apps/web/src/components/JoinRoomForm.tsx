import { useId, useState, type FormEvent } from 'react';
import { errorText, t } from '../lib/i18n';
import { navigate, parseInvite } from '../lib/route';
import { joinRoom } from '../state/rooms';

/**
 * Join with an invite link (`…/#/join/<room>?token=…`), or a room id plus the link's token. A room
 * id alone accepts a pending invite (or joins a topic room).
 */
export function JoinRoomForm() {
  const id = useId();
  const [value, setValue] = useState('');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const parsed = parseInvite(value);
  const needsToken = !!parsed && !parsed.token;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!value.trim() || busy) return;
    if (!parsed) {
      setError(t('join.badLink'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await joinRoom(parsed.roomId, parsed.token ?? (token.trim() || undefined));
      setValue('');
      setToken('');
      navigate({ name: 'room', roomId: parsed.roomId });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form" onSubmit={onSubmit}>
      <label htmlFor={`${id}-room`}>{t('join.label')}</label>
      <div className="inline-form-row">
        <input
          id={`${id}-room`}
          data-testid="room-join-id"
          placeholder={t('join.placeholder')}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-err` : undefined}
        />
        <button
          type="submit"
          className="btn btn-secondary btn-sm"
          data-testid="room-join-submit"
          disabled={busy || !value.trim()}
        >
          {busy ? '…' : t('join.submit')}
        </button>
      </div>
      {needsToken && (
        <div className="inline-form-row">
          <label htmlFor={`${id}-token`} className="sr-only">
            {t('join.token')}
          </label>
          <input
            id={`${id}-token`}
            data-testid="room-join-token"
            placeholder={t('join.tokenPlaceholder')}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
      )}
      {error && (
        <p className="form-error small" id={`${id}-err`} role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

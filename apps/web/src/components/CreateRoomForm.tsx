import { Limits } from '@app/contracts/limits';
import { useId, useState, type FormEvent } from 'react';
import { errorText, t } from '../lib/i18n';
import { navigate } from '../lib/route';
import { createRoom } from '../state/rooms';

export function CreateRoomForm() {
  const id = useId();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || busy) return;
    setBusy(true);
    setError(null);
    try {
      const room = await createRoom(trimmed);
      setName('');
      navigate({ name: 'room', roomId: room.id });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form" onSubmit={onSubmit}>
      <label htmlFor={`${id}-name`}>{t('room.new')}</label>
      <div className="inline-form-row">
        <input
          id={`${id}-name`}
          data-testid="room-create-name"
          placeholder={t('room.namePlaceholder')}
          maxLength={Limits.ROOM_NAME_MAX}
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="off"
          aria-describedby={error ? `${id}-err` : undefined}
        />
        <button
          type="submit"
          className="btn btn-primary btn-sm"
          data-testid="room-create-submit"
          disabled={busy || !name.trim()}
        >
          {busy ? '…' : t('room.create')}
        </button>
      </div>
      {error && (
        <p className="form-error small" id={`${id}-err`} role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

import { useId, useState, type FormEvent } from 'react';
import { errorMessage } from '../api/http';
import { extractRoomId } from '../lib/ids';
import { navigate } from '../lib/route';
import { joinRoom } from '../state/rooms';

/** Accepts a room id or a whole invite link. */
export function JoinRoomForm() {
  const id = useId();
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!value.trim() || busy) return;
    const roomId = extractRoomId(value);
    if (!roomId) {
      setError('That does not look like a room ID.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await joinRoom(roomId);
      setValue('');
      navigate({ name: 'room', roomId });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form" onSubmit={onSubmit}>
      <label htmlFor={`${id}-room`}>Join by room ID</label>
      <div className="inline-form-row">
        <input
          id={`${id}-room`}
          data-testid="room-join-id"
          placeholder="Room ID or invite link"
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
          {busy ? '…' : 'Join'}
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

import { useState } from 'react';
import { errorText, t } from '../lib/i18n';
import { navigate } from '../lib/route';
import { showToast, useApp } from '../state/app';
import { declineInvite, joinRoom } from '../state/rooms';
import { Avatar } from './Avatar';

/** Pending invitations to group rooms: accepting joins (no token needed), declining drops it. */
export function InvitesList() {
  const invites = useApp((s) => s.invites);
  const [busy, setBusy] = useState<string | null>(null);
  if (!invites.length) return null;

  async function act(roomId: string, accept: boolean) {
    setBusy(roomId);
    try {
      if (accept) {
        await joinRoom(roomId);
        navigate({ name: 'room', roomId });
      } else {
        await declineInvite(roomId);
      }
    } catch (err) {
      showToast(errorText(err), 'error');
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="invites" aria-label={t('invites.title')} data-testid="invites">
      <h2 className="section-title">{t('invites.title')}</h2>
      <ul>
        {invites.map((inv) => (
          <li key={inv.room.id} className="invite" data-testid="invite" data-room-id={inv.room.id}>
            <Avatar id={inv.room.id} name={inv.room.name} square size="sm" />
            <span className="invite-text">
              <strong>{inv.room.name}</strong>
              <span className="muted small">{t('invites.from', { name: inv.invitedByName })}</span>
            </span>
            <span className="invite-actions">
              <button
                type="button"
                className="btn btn-primary btn-xs"
                data-testid="invite-accept"
                disabled={busy === inv.room.id}
                onClick={() => void act(inv.room.id, true)}
              >
                {t('invites.accept')}
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                data-testid="invite-decline"
                disabled={busy === inv.room.id}
                onClick={() => void act(inv.room.id, false)}
              >
                {t('invites.decline')}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

import type { IntegrationSummaryView } from '@app/contracts/integrations/views';
import type { MemberView } from '@app/contracts/views';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/endpoints';
import { errorText, t } from '../lib/i18n';
import { showToast } from '../state/app';
import { loadMembers } from '../state/rooms';
import { Section } from './Screen';

/** Owners and admins add the integrations an administrator made, or remove them. */
export function IntegrationsSection({
  roomId,
  members,
}: {
  roomId: string;
  members: Record<string, MemberView>;
}) {
  const [bots, setBots] = useState<IntegrationSummaryView[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const load = useCallback(() => {
    api
      .integrations()
      .then((r) => setBots(r.integrations))
      .catch(() => setBots([]));
  }, []);
  useEffect(load, [load]);
  if (bots === null) return null;
  const inRoom = new Set(Object.keys(members));

  async function toggle(bot: IntegrationSummaryView) {
    setBusy(bot.id);
    try {
      if (inRoom.has(bot.id)) {
        await api.removeIntegration(roomId, bot.id);
        showToast(t('bots.removed', { name: bot.name }));
      } else {
        await api.addIntegration(roomId, bot.id);
        showToast(t('bots.added', { name: bot.name }));
      }
      await loadMembers(roomId);
    } catch (err) {
      showToast(errorText(err), 'error');
    } finally {
      setBusy(null);
    }
  }

  return (
    <Section title={t('bots.title')}>
      <p className="muted small">{bots.length ? t('bots.hint') : t('bots.none')}</p>
      {bots.length > 0 && (
        <ul className="people-list" data-testid="room-integrations">
          {bots.map((bot) => {
            const present = inRoom.has(bot.id);
            return (
              <li key={bot.id} data-testid="room-integration">
                <span className="member-name">
                  {bot.name} <span className="kind-tag">{t('bots.badge')}</span>
                  {present && <span className="muted small block">{t('bots.inRoom')}</span>}
                </span>
                <button
                  type="button"
                  className={present ? 'btn btn-ghost btn-xs' : 'btn btn-primary btn-xs'}
                  disabled={busy === bot.id}
                  aria-label={`${present ? t('bots.remove') : t('bots.add')}: ${bot.name}`}
                  onClick={() => void toggle(bot)}
                >
                  {present ? t('bots.remove') : t('bots.add')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </Section>
  );
}

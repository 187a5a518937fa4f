import type { ProfileView } from '@app/contracts/auth/views';
import { useEffect, useId, useState } from 'react';
import { api } from '../api/endpoints';
import { errorText, t } from '../lib/i18n';
import { inviteLink } from '../lib/route';
import { rememberNames, useApp } from '../state/app';
import { rememberInviteLink } from '../state/invite-links';
import { Avatar } from './Avatar';
import { CopyButton } from './CopyButton';

/** Owners and admins bring people in: a shareable link, or an invitation to someone found by name. */
export function InvitePanel({ roomId, onClose }: { roomId: string; onClose: () => void }) {
  const id = useId();
  const members = useApp((s) => s.members[roomId]);
  const [link, setLink] = useState<string | null>(null);
  const [linkBusy, setLinkBusy] = useState(false);
  const [linkError, setLinkError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ProfileView[]>([]);
  const [invited, setInvited] = useState<Record<string, 'sent' | string>>({});

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setResults([]);
      return;
    }
    const timer = window.setTimeout(() => {
      api
        .searchUsers(q)
        .then(({ users }) => {
          setResults(users);
          rememberNames(users.map((u) => ({ id: u.id, name: u.displayName })));
        })
        .catch(() => setResults([]));
    }, 250);
    return () => window.clearTimeout(timer);
  }, [query]);

  async function createLink() {
    setLinkBusy(true);
    setLinkError(null);
    try {
      const created = await api.createInviteLink(roomId);
      if (created.token) setLink(inviteLink(roomId, created.token));
      rememberInviteLink(created);
    } catch (err) {
      setLinkError(errorText(err));
    } finally {
      setLinkBusy(false);
    }
  }

  async function invite(userId: string) {
    try {
      await api.inviteUser(roomId, userId);
      setInvited((s) => ({ ...s, [userId]: 'sent' }));
    } catch (err) {
      setInvited((s) => ({ ...s, [userId]: errorText(err) }));
    }
  }

  return (
    <div
      className="members-panel invite-panel"
      id="invite-panel"
      role="region"
      aria-label={t('invite.title')}
    >
      <div className="members-panel-head">
        <strong>{t('invite.title')}</strong>
        <button type="button" className="icon-button" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </div>
      <div className="panel-section">
        <p className="muted small">{t('invite.linkHint')}</p>
        {link ? (
          <div className="inline-form-row">
            <label htmlFor={`${id}-link`} className="sr-only">
              {t('invite.link')}
            </label>
            <input
              id={`${id}-link`}
              readOnly
              value={link}
              data-testid="invite-link-value"
              onFocus={(e) => e.target.select()}
            />
            <CopyButton text={link} label={t('common.copy')} testId="invite-link-copy" />
          </div>
        ) : (
          <button
            type="button"
            className="btn btn-primary btn-sm"
            data-testid="invite-link-create"
            disabled={linkBusy}
            onClick={() => void createLink()}
          >
            {linkBusy ? t('common.wait') : t('invite.createLink')}
          </button>
        )}
        {linkError && (
          <p className="form-error small" role="alert">
            {linkError}
          </p>
        )}
      </div>
      <div className="panel-section">
        <label htmlFor={`${id}-search`} className="small strong">
          {t('invite.byName')}
        </label>
        <input
          id={`${id}-search`}
          type="search"
          data-testid="invite-search"
          placeholder={t('invite.searchPlaceholder')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          autoComplete="off"
        />
        <ul className="people-list">
          {results.map((u) => {
            const state = invited[u.id];
            const member = !!members?.[u.id];
            return (
              <li key={u.id} data-testid="invite-result" data-user-id={u.id}>
                <Avatar id={u.id} name={u.displayName} size="sm" photo={u.hasAvatar} />
                <span className="member-name">
                  {u.displayName} <span className="muted">@{u.username}</span>
                </span>
                {member ? (
                  <span className="muted small">{t('invite.member')}</span>
                ) : state === 'sent' ? (
                  <span className="muted small" data-testid="invite-sent">
                    {t('invite.sent')}
                  </span>
                ) : (
                  <button
                    type="button"
                    className="btn btn-secondary btn-xs"
                    data-testid="invite-user"
                    onClick={() => void invite(u.id)}
                  >
                    {t('invite.send')}
                  </button>
                )}
                {state && state !== 'sent' && <span className="form-error small">{state}</span>}
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}

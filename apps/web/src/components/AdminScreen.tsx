import type { AdminUserView } from '@app/contracts/auth/views';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { adminApi } from '../api/management';
import { formatFull, formatListTime } from '../lib/format';
import { errorText, t } from '../lib/i18n';
import { showToast, useApp } from '../state/app';
import { Avatar } from './Avatar';
import { ReportsQueue } from './ReportsQueue';
import { Screen } from './Screen';
import './search.css';

type Tab = 'reports' | 'users';

/** `#/admin`, for site administrators: reported messages and every account. */
export function AdminScreen() {
  const role = useApp((s) => s.session?.user.role);
  const [tab, setTab] = useState<Tab>('reports');
  const tabs = useRef<HTMLDivElement>(null);
  const id = useId();
  if (role !== 'admin') {
    return (
      <Screen title={t('admin.title')}>
        <p className="muted">{t('err.forbidden')}</p>
      </Screen>
    );
  }
  function onKey(e: KeyboardEvent) {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next: Tab = tab === 'reports' ? 'users' : 'reports';
    setTab(next);
    tabs.current?.querySelector<HTMLButtonElement>(`[data-tab="${next}"]`)?.focus();
  }
  return (
    <Screen title={t('admin.title')} testId="admin-screen">
      <div className="segmented" role="tablist" aria-label={t('admin.tabs')} ref={tabs} onKeyDown={onKey}>
        {(['reports', 'users'] as const).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            id={`${id}-${k}-tab`}
            data-tab={k}
            data-testid={`admin-tab-${k}`}
            aria-selected={tab === k}
            aria-controls={`${id}-${k}`}
            tabIndex={tab === k ? 0 : -1}
            onClick={() => setTab(k)}
          >
            {k === 'reports' ? t('admin.reports') : t('admin.users')}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-${tab}`} aria-labelledby={`${id}-${tab}-tab`} className="card">
        {tab === 'reports' ? <AdminReports /> : <AdminUsers />}
      </div>
    </Screen>
  );
}

function AdminReports() {
  return (
    <>
      <h3 className="card-title">{t('admin.reports')}</h3>
      <p className="muted small">{t('admin.reportsHint')}</p>
      <ReportsQueue siteWide />
    </>
  );
}

function AdminUsers() {
  const id = useId();
  const myId = useApp((s) => s.session?.user.id);
  const [query, setQuery] = useState('');
  const [users, setUsers] = useState<AdminUserView[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const timer = window.setTimeout(() => {
      adminApi
        .users(query.trim())
        .then((page) => {
          if (!live) return;
          setUsers(page.users);
          setCursor(page.nextCursor);
          setError(null);
        })
        .catch((err) => live && setError(errorText(err)));
    }, 250);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [query]);

  async function more() {
    if (!cursor) return;
    try {
      const page = await adminApi.users(query.trim(), cursor);
      setUsers((cur) => [...(cur ?? []), ...page.users]);
      setCursor(page.nextCursor);
    } catch (err) {
      showToast(errorText(err), 'error');
    }
  }

  async function toggle(u: AdminUserView) {
    const name = u.displayName || u.username;
    if (!u.deactivatedAt && !window.confirm(t('admin.confirmDeactivate', { name }))) return;
    setBusy(u.id);
    try {
      const updated = u.deactivatedAt ? await adminApi.reactivate(u.id) : await adminApi.deactivate(u.id);
      setUsers((cur) => cur?.map((x) => (x.id === u.id ? updated : x)) ?? null);
      showToast(
        updated.deactivatedAt ? t('admin.deactivatedToast', { name }) : t('admin.reactivatedToast', { name }),
      );
    } catch (err) {
      showToast(errorText(err), 'error');
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <h3 className="card-title">{t('admin.users')}</h3>
      <div className="stack">
        <label className="field" htmlFor={`${id}-q`}>
          <span>{t('admin.searchUsers')}</span>
          <input
            id={`${id}-q`}
            type="search"
            data-testid="admin-user-search"
            value={query}
            placeholder={t('admin.searchUsersPlaceholder')}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        {error && (
          <p className="form-error small" role="alert">
            {error}
          </p>
        )}
        {!users ? (
          <p className="muted small">{t('common.loading')}</p>
        ) : users.length === 0 ? (
          <p className="muted small">{t('admin.noUsers')}</p>
        ) : (
          <ul className="admin-user-list" aria-live="polite">
            {users.map((u) => (
              <li
                key={u.id}
                className={`admin-user${u.deactivatedAt ? ' is-deactivated' : ''}`}
                data-testid="admin-user"
                data-user-id={u.id}
                data-username={u.username}
                data-deactivated={!!u.deactivatedAt}
              >
                <Avatar id={u.id} name={u.displayName || u.username} size="sm" />
                <span className="member-name">
                  {u.displayName || u.username}
                  {u.role !== 'user' && (
                    <span className="status-tag">
                      {t(u.role === 'admin' ? 'role.site.admin' : 'role.site.guest')}
                    </span>
                  )}
                  {u.deactivatedAt && (
                    <span className="status-tag status-deactivated" title={formatFull(u.deactivatedAt)}>
                      {t('admin.deactivated')}
                    </span>
                  )}
                  <span className="muted small block" title={formatFull(u.createdAt)}>
                    @{u.username} · {t('admin.joined', { when: formatListTime(u.createdAt) })}
                  </span>
                </span>
                {u.id !== myId && (
                  <button
                    type="button"
                    className={`btn btn-xs ${u.deactivatedAt ? 'btn-secondary' : 'btn-ghost danger'}`}
                    data-testid={u.deactivatedAt ? 'admin-reactivate' : 'admin-deactivate'}
                    disabled={busy === u.id}
                    onClick={() => void toggle(u)}
                  >
                    {u.deactivatedAt ? t('admin.reactivate') : t('admin.deactivate')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {cursor && (
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => void more()}>
            {t('admin.more')}
          </button>
        )}
      </div>
    </>
  );
}

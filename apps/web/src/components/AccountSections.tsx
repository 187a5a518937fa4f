import { Limits } from '@app/contracts/limits';
import { useId, useState, type FormEvent } from 'react';
import { accountApi } from '../api/management';
import { errorText, t } from '../lib/i18n';
import { showToast, store } from '../state/app';
import { saveSession, sessionFrom } from '../state/session';
import { startSession } from '../state/session-actions';
import { Section } from './Screen';

/** Change my password: the server signs every other device out and says how many. */
export function PasswordSection() {
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mismatch = repeat.length > 0 && next !== repeat;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (next !== repeat) return setError(t('account.mismatch'));
    setBusy(true);
    setError(null);
    try {
      const { revoked } = await accountApi.changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeat('');
      showToast(t('account.changed', { n: revoked }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title={t('account.password')} testId="password-section">
      <form className="stack" onSubmit={submit}>
        {/* For password managers: which account this is. */}
        <input
          type="text"
          className="sr-only"
          autoComplete="username"
          value={store.get().session?.user.username ?? ''}
          readOnly
          tabIndex={-1}
          aria-hidden="true"
        />
        <label className="field" htmlFor={`${id}-current`}>
          <span>{t('account.current')}</span>
          <input
            id={`${id}-current`}
            type="password"
            data-testid="password-current"
            autoComplete="current-password"
            value={current}
            maxLength={Limits.PASSWORD_MAX}
            required
            onChange={(e) => setCurrent(e.target.value)}
          />
        </label>
        <label className="field" htmlFor={`${id}-new`}>
          <span>{t('account.new')}</span>
          <input
            id={`${id}-new`}
            type="password"
            data-testid="password-new"
            autoComplete="new-password"
            value={next}
            minLength={Limits.PASSWORD_MIN}
            maxLength={Limits.PASSWORD_MAX}
            required
            aria-describedby={`${id}-hint`}
            onChange={(e) => setNext(e.target.value)}
          />
          <small id={`${id}-hint`} className="muted">
            {t('auth.passwordHint', { n: Limits.PASSWORD_MIN })}
          </small>
        </label>
        <label className="field" htmlFor={`${id}-repeat`}>
          <span>{t('account.repeat')}</span>
          <input
            id={`${id}-repeat`}
            type="password"
            data-testid="password-repeat"
            autoComplete="new-password"
            value={repeat}
            maxLength={Limits.PASSWORD_MAX}
            required
            aria-invalid={mismatch}
            onChange={(e) => setRepeat(e.target.value)}
          />
        </label>
        {(error || mismatch) && (
          <p className="form-error small" role="alert" data-testid="password-error">
            {error ?? t('account.mismatch')}
          </p>
        )}
        <button
          type="submit"
          className="btn btn-primary btn-sm"
          data-testid="password-submit"
          disabled={busy || !current || next.length < Limits.PASSWORD_MIN || next !== repeat}
        >
          {busy ? t('common.wait') : t('account.change')}
        </button>
      </form>
    </Section>
  );
}

/** A guest becomes a full user (same id, same session, new tokens with role `user`). */
export function GuestUpgradeSection() {
  const id = useId();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await accountApi.upgradeGuest({
        password,
        ...(username.trim() ? { username: username.trim() } : {}),
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      });
      // New tokens and a new role: start the session over with them (rooms, friends, socket).
      const session = sessionFrom(result);
      saveSession(session);
      store.set({ session });
      startSession(session);
      showToast(t('account.upgraded'));
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <Section title={t('account.keep')} testId="guest-upgrade">
      <form className="stack" onSubmit={submit}>
        <p className="muted small">{t('account.keepHint')}</p>
        <label className="field" htmlFor={`${id}-username`}>
          <span>{t('auth.username')}</span>
          <input
            id={`${id}-username`}
            data-testid="upgrade-username"
            autoComplete="username"
            value={username}
            maxLength={Limits.USERNAME_MAX}
            aria-describedby={`${id}-username-hint`}
            onChange={(e) => setUsername(e.target.value)}
          />
          <small id={`${id}-username-hint`} className="muted">
            {t('account.usernameHint')}
          </small>
        </label>
        <label className="field" htmlFor={`${id}-display`}>
          <span>
            {t('auth.displayName')} <span className="muted">{t('common.optional')}</span>
          </span>
          <input
            id={`${id}-display`}
            data-testid="upgrade-displayname"
            autoComplete="nickname"
            value={displayName}
            maxLength={Limits.DISPLAY_NAME_MAX}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </label>
        <label className="field" htmlFor={`${id}-password`}>
          <span>{t('auth.password')}</span>
          <input
            id={`${id}-password`}
            type="password"
            data-testid="upgrade-password"
            autoComplete="new-password"
            value={password}
            minLength={Limits.PASSWORD_MIN}
            maxLength={Limits.PASSWORD_MAX}
            required
            onChange={(e) => setPassword(e.target.value)}
          />
          <small className="muted">{t('auth.passwordHint', { n: Limits.PASSWORD_MIN })}</small>
        </label>
        {error && (
          <p className="form-error small" role="alert">
            {error}
          </p>
        )}
        <button
          type="submit"
          className="btn btn-primary btn-sm"
          data-testid="upgrade-submit"
          disabled={busy || password.length < Limits.PASSWORD_MIN}
        >
          {busy ? t('common.wait') : t('account.upgrade')}
        </button>
      </form>
    </Section>
  );
}

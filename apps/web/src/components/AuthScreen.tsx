import { Limits } from '@app/contracts/limits';
import { useState, type FormEvent } from 'react';
import { errorText, t } from '../lib/i18n';
import { useRoute } from '../lib/route';
import { useApp } from '../state/app';
import { enterAsGuest, login, register } from '../state/session-actions';

type Mode = 'login' | 'register';

export function AuthScreen() {
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signedOutReason = useApp((s) => s.signedOutReason);
  const route = useRoute();
  const registering = mode === 'register';

  async function run(action: () => Promise<void>) {
    setError(null);
    setBusy(true);
    try {
      await action();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) {
      setError(t('auth.missing'));
      return;
    }
    await run(() =>
      registering
        ? register({ username: username.trim(), password, displayName: displayName.trim() || undefined })
        : login(username.trim(), password),
    );
  }

  function toggle() {
    setMode(registering ? 'login' : 'register');
    setError(null);
  }

  return (
    <main className="auth">
      <div className="auth-card">
        <div className="auth-brand">
          <img src="/icon.svg" alt="" width={56} height={56} />
          <h1>Happy Chat</h1>
          <p className="muted">{registering ? t('auth.registerTitle') : t('auth.loginTitle')}</p>
        </div>

        {route.name === 'join' && (
          <p className="auth-note" role="status">
            {t('auth.invited')}
          </p>
        )}
        {signedOutReason && !error && (
          <p className="auth-note" role="status" data-testid="signed-out-reason">
            {signedOutReason}
          </p>
        )}

        <form onSubmit={onSubmit} noValidate>
          <label className="field">
            <span>{t('auth.username')}</span>
            <input
              data-testid="auth-username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              maxLength={Limits.USERNAME_MAX}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoFocus
            />
          </label>

          {registering && (
            <label className="field">
              <span>
                {t('auth.displayName')} <span className="muted">{t('common.optional')}</span>
              </span>
              <input
                data-testid="auth-displayname"
                name="displayName"
                autoComplete="nickname"
                maxLength={Limits.DISPLAY_NAME_MAX}
                value={displayName}
                onChange={(e) => setDisplayName(e.target.value)}
                placeholder={t('auth.displayNameHint')}
              />
            </label>
          )}

          <label className="field">
            <span>{t('auth.password')}</span>
            <input
              data-testid="auth-password"
              name="password"
              type="password"
              autoComplete={registering ? 'new-password' : 'current-password'}
              required
              maxLength={Limits.PASSWORD_MAX}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-describedby={registering ? 'password-hint' : undefined}
            />
            {registering && (
              <small id="password-hint" className="muted">
                {t('auth.passwordHint', { n: Limits.PASSWORD_MIN })}
              </small>
            )}
          </label>

          {error && (
            <p className="form-error" role="alert" data-testid="auth-error">
              {error}
            </p>
          )}

          <button
            type="submit"
            className="btn btn-primary btn-block"
            data-testid="auth-submit"
            disabled={busy}
          >
            {busy ? t('common.wait') : registering ? t('auth.createAccount') : t('auth.login')}
          </button>
        </form>

        <p className="auth-switch">
          {registering ? t('auth.haveAccount') : t('auth.newHere')}{' '}
          <button type="button" className="link-button" data-testid="auth-toggle" onClick={toggle}>
            {registering ? t('auth.login') : t('auth.signup')}
          </button>
        </p>
        <p className="auth-switch">
          <button
            type="button"
            className="link-button"
            data-testid="auth-guest"
            disabled={busy}
            onClick={() => void run(enterAsGuest)}
          >
            {t('auth.guest')}
          </button>
          <br />
          <small className="muted">{t('auth.guestHint')}</small>
        </p>
      </div>
    </main>
  );
}

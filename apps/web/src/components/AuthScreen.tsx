import { Limits } from '@app/contracts/limits';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/http';
import { useRoute } from '../lib/route';
import { useApp } from '../state/app';
import { login, register } from '../state/session-actions';

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

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    setError(null);
    setBusy(true);
    try {
      if (registering) {
        await register({ username: username.trim(), password, displayName: displayName.trim() || undefined });
      } else {
        await login(username.trim(), password);
      }
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
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
          <p className="muted">{registering ? 'Create your account · 회원가입' : 'Welcome back · 로그인'}</p>
        </div>

        {route.name === 'join' && (
          <p className="auth-note" role="status">
            You have been invited to a room. {registering ? 'Sign up' : 'Log in'} to join it.
          </p>
        )}
        {signedOutReason && !error && (
          <p className="auth-note" role="status">
            {signedOutReason}
          </p>
        )}

        <form onSubmit={onSubmit} noValidate>
          <label className="field">
            <span>Username</span>
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
                Display name <span className="muted">(optional)</span>
              </span>
              <input
                data-testid="auth-displayname"
                name="displayName"
                autoComplete="nickname"
                maxLength={Limits.DISPLAY_NAME_MAX}
                value={displayName}
                onChange={(e) => setDisplayName(e.target.value)}
                placeholder="How others see you"
              />
            </label>
          )}

          <label className="field">
            <span>Password</span>
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
                At least {Limits.PASSWORD_MIN} characters.
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
            {busy ? 'Please wait…' : registering ? 'Create account' : 'Log in'}
          </button>
        </form>

        <p className="auth-switch">
          {registering ? 'Already have an account?' : 'New to Happy Chat?'}{' '}
          <button type="button" className="link-button" data-testid="auth-toggle" onClick={toggle}>
            {registering ? 'Log in' : 'Sign up'}
          </button>
        </p>
      </div>
    </main>
  );
}

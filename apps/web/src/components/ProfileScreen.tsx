import { AuthLimits } from '@app/contracts/auth/limits';
import type { SessionView } from '@app/contracts/auth/views';
import { Limits } from '@app/contracts/limits';
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../api/endpoints';
import { formatFull, formatListTime } from '../lib/format';
import { errorText, t } from '../lib/i18n';
import { showToast, store, useApp } from '../state/app';
import { noteAvatars } from '../state/avatars';
import { saveSession } from '../state/session';
import { GuestUpgradeSection, PasswordSection } from './AccountSections';
import { Avatar } from './Avatar';
import { NotificationSettings } from './NotificationSettings';
import { Screen, Section } from './Screen';

const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

function applyProfile(
  p: { displayName: string; statusText: string; hasAvatar: boolean },
  avatarChanged = false,
) {
  const session = store.get().session;
  if (session) noteAvatars([{ userId: session.user.id, hasAvatar: p.hasAvatar }]);
  if (session) {
    const next = { ...session, user: { ...session.user, displayName: p.displayName } };
    saveSession(next);
    store.set({ session: next });
  }
  store.set((s) => ({
    profile: {
      ...(s.profile ?? { avatarVersion: 0 }),
      statusText: p.statusText,
      hasAvatar: p.hasAvatar,
      avatarVersion: avatarChanged ? Date.now() : (s.profile?.avatarVersion ?? 0),
    },
  }));
}

export function ProfileScreen() {
  const user = useApp((s) => s.session?.user);
  const guest = user?.role === 'guest';
  return (
    <Screen title={t('profile.title')} testId="profile-screen">
      {user && (
        <>
          <ProfileForm key={user.id} />
          {guest && <GuestUpgradeSection />}
          {!guest && <AvatarForm />}
          {!guest && <PasswordSection />}
          <NotificationSettings />
          <Sessions />
        </>
      )}
    </Screen>
  );
}

function ProfileForm() {
  const id = useId();
  const user = useApp((s) => s.session?.user);
  const profile = useApp((s) => s.profile);
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [statusText, setStatusText] = useState(profile?.statusText ?? '');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (profile) setStatusText((cur) => cur || profile.statusText);
  }, [profile]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const updated = await api.updateProfile({
        displayName: displayName.trim(),
        statusText: statusText.trim(),
      });
      applyProfile(updated);
      showToast(t('profile.saved'));
    } catch (err) {
      showToast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title={t('profile.about')}>
      <form className="stack" onSubmit={submit}>
        <p className="muted small">@{user?.username}</p>
        <label className="field" htmlFor={`${id}-name`}>
          <span>{t('auth.displayName')}</span>
          <input
            id={`${id}-name`}
            data-testid="profile-displayname"
            value={displayName}
            maxLength={Limits.DISPLAY_NAME_MAX}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </label>
        <label className="field" htmlFor={`${id}-status`}>
          <span>{t('profile.status')}</span>
          <input
            id={`${id}-status`}
            data-testid="profile-status"
            value={statusText}
            maxLength={AuthLimits.STATUS_TEXT_MAX}
            placeholder={t('profile.statusPlaceholder')}
            onChange={(e) => setStatusText(e.target.value)}
          />
        </label>
        <button
          type="submit"
          className="btn btn-primary btn-sm"
          data-testid="profile-save"
          disabled={busy || !displayName.trim()}
        >
          {t('common.save')}
        </button>
      </form>
    </Section>
  );
}

function AvatarForm() {
  const id = useId();
  const user = useApp((s) => s.session?.user);
  const profile = useApp((s) => s.profile);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!file) {
      setPreview(null);
      return;
    }
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  function pick(f: File | undefined) {
    setError(null);
    if (!f) return setFile(null);
    if (!AVATAR_TYPES.includes(f.type)) return setError(t('profile.avatarType'));
    if (f.size > AVATAR_MAX_BYTES) return setError(t('profile.avatarSize'));
    setFile(f);
  }

  async function upload() {
    if (!file) return;
    setBusy(true);
    try {
      applyProfile(await api.setAvatar(file), true);
      setFile(null);
      showToast(t('profile.avatarSaved'));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    try {
      applyProfile(await api.deleteAvatar(), true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (!user) return null;
  return (
    <Section title={t('profile.avatar')}>
      <div className="avatar-editor">
        <Avatar
          id={user.id}
          name={user.displayName}
          size="xl"
          src={preview ?? undefined}
          photo={!preview && !!profile?.hasAvatar}
          version={profile?.avatarVersion}
        />
        <div className="stack">
          <label className="btn btn-secondary btn-sm file-label" htmlFor={`${id}-file`}>
            {t('profile.chooseImage')}
          </label>
          <input
            id={`${id}-file`}
            className="sr-only"
            type="file"
            accept={AVATAR_TYPES.join(',')}
            data-testid="avatar-file"
            onChange={(e) => pick(e.target.files?.[0])}
          />
          {file && (
            <span className="row-actions">
              <button
                type="button"
                className="btn btn-primary btn-sm"
                data-testid="avatar-upload"
                disabled={busy}
                onClick={() => void upload()}
              >
                {t('profile.upload')}
              </button>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setFile(null)}>
                {t('common.cancel')}
              </button>
            </span>
          )}
          {!file && profile?.hasAvatar && (
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              disabled={busy}
              onClick={() => void remove()}
            >
              {t('profile.removeAvatar')}
            </button>
          )}
          <small className="muted">{t('profile.avatarHint')}</small>
          {error && (
            <p className="form-error small" role="alert">
              {error}
            </p>
          )}
        </div>
      </div>
    </Section>
  );
}

function deviceName(ua: string | null): string {
  if (!ua) return t('sessions.unknownDevice');
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Chrome\//.test(ua)
      ? 'Chrome'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Safari\//.test(ua)
          ? 'Safari'
          : ua.split(/[\s/]/)[0];
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} · ${os}` : browser;
}

function Sessions() {
  const [sessions, setSessions] = useState<SessionView[] | null>(null);
  const load = useCallback(() => {
    api
      .sessions()
      .then((r) => setSessions(r.sessions))
      .catch((err) => showToast(errorText(err), 'error'));
  }, []);
  useEffect(load, [load]);

  async function revoke(id: string) {
    try {
      await api.revokeSession(id);
      load();
    } catch (err) {
      showToast(errorText(err), 'error');
    }
  }
  async function revokeOthers() {
    try {
      const { revoked } = await api.revokeOtherSessions();
      showToast(t('sessions.revokedOthers', { n: revoked }));
      load();
    } catch (err) {
      showToast(errorText(err), 'error');
    }
  }

  return (
    <Section title={t('sessions.title')} testId="sessions">
      {!sessions ? (
        <p className="muted small">{t('common.loading')}</p>
      ) : (
        <>
          <ul className="people-list">
            {sessions.map((s) => (
              <li key={s.id} data-testid="session" data-current={s.current}>
                <span className="member-name">
                  {deviceName(s.userAgent)}
                  {s.current && <span className="status-tag status-approved">{t('sessions.current')}</span>}
                  <span className="muted small block" title={formatFull(s.lastSeenAt)}>
                    {t('sessions.lastSeen', { when: formatListTime(s.lastSeenAt) })}
                  </span>
                </span>
                {!s.current && (
                  <button
                    type="button"
                    className="btn btn-ghost btn-xs"
                    data-testid="session-revoke"
                    onClick={() => void revoke(s.id)}
                  >
                    {t('sessions.revoke')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {sessions.some((s) => !s.current) && (
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => void revokeOthers()}>
              {t('sessions.revokeOthers')}
            </button>
          )}
        </>
      )}
    </Section>
  );
}

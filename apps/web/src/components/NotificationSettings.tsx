import { useEffect, useId, useState } from 'react';
import { errorText, t } from '../lib/i18n';
import { showToast } from '../state/app';
import {
  disableNotifications,
  enableNotifications,
  notificationsOn,
  notificationsSupported,
  pushAvailable,
  pushSubscribed,
  subscribePush,
  unsubscribePush,
} from '../state/notify';
import { Section } from './Screen';

/**
 * Two opt-ins: notifications while this tab is in the background (Notification API), and web
 * push when no Happy Chat window is open (shown only when the server has VAPID keys). The
 * browser's permission prompt comes from the click, never on page load.
 */
export function NotificationSettings() {
  const id = useId();
  const supported = notificationsSupported();
  const [permission, setPermission] = useState(supported ? Notification.permission : 'denied');
  const [inPage, setInPage] = useState(notificationsOn);
  const [pushOffered, setPushOffered] = useState(false);
  const [push, setPush] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void pushAvailable().then(async (available) => {
      if (!live) return;
      setPushOffered(available);
      if (available) {
        const subscribed = await pushSubscribed().catch(() => false);
        if (live) setPush(subscribed && Notification.permission === 'granted');
      }
    });
    return () => {
      live = false;
    };
  }, []);

  async function toggleInPage(on: boolean) {
    if (!on) {
      disableNotifications();
      setInPage(false);
      return;
    }
    const result = await enableNotifications();
    setPermission(result);
    setInPage(result === 'granted');
    if (result === 'denied') showToast(t('notify.blocked'), 'error');
  }

  async function togglePush(on: boolean) {
    setBusy(true);
    try {
      if (on) {
        const result = await enableNotifications();
        setPermission(result);
        if (result !== 'granted') {
          if (result === 'denied') showToast(t('notify.blocked'), 'error');
          return;
        }
        setInPage(true);
        await subscribePush();
        setPush(true);
        showToast(t('notify.pushOn'));
      } else {
        await unsubscribePush();
        setPush(false);
      }
    } catch (err) {
      showToast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title={t('notify.title')} testId="notification-settings">
      {!supported ? (
        <p className="muted small">{t('notify.unsupported')}</p>
      ) : (
        <div className="stack">
          <label className="check" htmlFor={`${id}-page`}>
            <input
              id={`${id}-page`}
              type="checkbox"
              data-testid="notify-toggle"
              checked={inPage}
              disabled={permission === 'denied'}
              onChange={(e) => void toggleInPage(e.target.checked)}
            />
            <span>{t('notify.inPage')}</span>
          </label>
          {pushOffered && (
            <label className="check" htmlFor={`${id}-push`}>
              <input
                id={`${id}-push`}
                type="checkbox"
                data-testid="push-toggle"
                checked={push}
                disabled={busy || permission === 'denied'}
                onChange={(e) => void togglePush(e.target.checked)}
              />
              <span>{t('notify.push')}</span>
            </label>
          )}
          <small className="muted">
            {permission === 'denied'
              ? t('notify.blocked')
              : pushOffered
                ? t('notify.pushHint')
                : t('notify.hint')}
          </small>
        </div>
      )}
    </Section>
  );
}

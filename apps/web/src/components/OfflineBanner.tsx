import { useEffect, useState } from 'react';
import { t } from '../lib/i18n';
import { live, useApp } from '../state/app';

/** Shown while the realtime connection is down (not during the first quick connect). */
export function OfflineBanner() {
  const connection = useApp((s) => s.connection);
  const down =
    connection.status === 'offline' || (connection.status === 'connecting' && connection.attempt > 0);
  const [slowFirstConnect, setSlowFirstConnect] = useState(false);

  useEffect(() => {
    if (connection.status !== 'connecting' || connection.attempt > 0) {
      setSlowFirstConnect(false);
      return;
    }
    const timer = window.setTimeout(() => setSlowFirstConnect(true), 2500);
    return () => window.clearTimeout(timer);
  }, [connection.status, connection.attempt]);

  if (!down && !slowFirstConnect) return null;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      <span className="dot" aria-hidden="true" />
      <span>
        {down ? t('offline.reconnecting') : t('offline.connecting')}
        {connection.status === 'connecting' && connection.attempt > 0 && ` ${t('offline.tryingNow')}`}
      </span>
      {connection.status === 'offline' && (
        <button type="button" className="link-button" onClick={() => live.socket?.reconnectNow()}>
          {t('offline.retry')}
        </button>
      )}
    </div>
  );
}

import { t } from '../lib/i18n';
import { dismissToast, useApp } from '../state/app';

export function Toast() {
  const toast = useApp((s) => s.toast);
  return (
    <div className="toast-region" role="status" aria-live="polite">
      {toast && (
        <div className={`toast toast-${toast.kind}`} data-testid="toast">
          <span>{toast.text}</span>
          <button
            type="button"
            className="icon-button"
            aria-label={t('common.dismiss')}
            onClick={dismissToast}
          >
            ×
          </button>
        </div>
      )}
    </div>
  );
}

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { reportsApi } from '../api/management';
import { previewText } from '../lib/format';
import { errorText, t } from '../lib/i18n';
import { showToast } from '../state/app';
import './search.css';

/** MODERATION_REASON_MAX; its module carries the validators, which stay out of the bundle. */
const MODERATION_REASON_MAX = 500;
const PRESETS = ['report.spam', 'report.abuse', 'report.inappropriate'] as const;

/** A modal (native <dialog>: focus kept inside, Escape closes) to report one message with a reason. */
export function ReportDialog({
  roomId,
  messageId,
  senderName,
  content,
  onClose,
}: {
  roomId: string;
  messageId: string;
  senderName: string;
  content: string;
  onClose: () => void;
}) {
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    return () => dialog.close();
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const text = reason.trim();
    if (!text || busy) return;
    setBusy(true);
    setError(null);
    try {
      await reportsApi.report(roomId, messageId, text);
      showToast(t('report.sent'));
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={`${id}-title`}
      data-testid="report-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit}>
        <h2 id={`${id}-title`}>{t('report.title')}</h2>
        <blockquote className="quote-box">
          <strong>{senderName}: </strong>
          {previewText(content, 200)}
        </blockquote>
        <p className="muted small">{t('report.intro')}</p>
        <div className="search-scope" role="group" aria-label={t('report.reason')}>
          {PRESETS.map((key) => (
            <button
              key={key}
              type="button"
              className={`chip${reason === t(key) ? ' active' : ''}`}
              aria-pressed={reason === t(key)}
              onClick={() => setReason(t(key))}
            >
              {t(key)}
            </button>
          ))}
        </div>
        <label className="field" htmlFor={`${id}-reason`}>
          <span>{t('report.reason')}</span>
          <textarea
            id={`${id}-reason`}
            data-testid="report-reason"
            value={reason}
            maxLength={MODERATION_REASON_MAX}
            placeholder={t('report.reasonPlaceholder')}
            required
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        {error && (
          <p className="form-error small" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost btn-sm" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            className="btn btn-danger btn-sm"
            data-testid="report-submit"
            disabled={busy || !reason.trim()}
          >
            {busy ? t('common.wait') : t('report.submit')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

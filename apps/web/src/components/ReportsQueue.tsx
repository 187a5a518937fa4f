import type {
  ReportResolution,
  ReportStatus,
  ReportView,
  SiteReportView,
} from '@app/contracts/moderation/views';
import type { MessageView } from '@app/contracts/views';
import { useCallback, useEffect, useState } from 'react';
import { adminApi, reportsApi, searchApi } from '../api/management';
import { formatFull, formatListTime, previewText } from '../lib/format';
import { errorText, t } from '../lib/i18n';
import { showToast, store, useApp } from '../state/app';
import { jumpToMessage } from '../state/jump';
import { deleteMessage } from '../state/messages';
import { loadMembers } from '../state/rooms';
import { roomTitle } from './roomName';
import './search.css';

/** Rooms whose reports one person may review at once (one request each). */
const MAX_ROOMS = 50;

/** The reported message, fetched once per report (an "around" page of one). */
const messageCache = new Map<string, MessageView | null>();

function useReportedMessage(report: ReportView): MessageView | null | undefined {
  const key = `${report.roomId}:${report.messageId}`;
  const [message, setMessage] = useState<MessageView | null | undefined>(messageCache.get(key));
  useEffect(() => {
    if (messageCache.has(key)) return setMessage(messageCache.get(key));
    let live = true;
    searchApi
      .around(report.roomId, report.messageId, 1)
      .then((page) => page.messages.find((m) => m.id === report.messageId) ?? null)
      .catch(() => null)
      .then((m) => {
        messageCache.set(key, m);
        if (live) setMessage(m);
      });
    return () => {
      live = false;
    };
  }, [key, report.roomId, report.messageId]);
  return message;
}

/** Names of the reporters and authors (refused, and shown as "someone", in rooms I am not in). */
function loadMembersOf(reports: ReportView[]) {
  const { members } = store.get();
  for (const id of new Set(reports.map((r) => r.roomId)))
    if (!members[id]) loadMembers(id).catch(() => undefined);
}

/**
 * Reports, open or resolved, newest first: in the given rooms (where I am owner or admin), or
 * with `siteWide` every room's (site admins, paged; members of the room or not).
 */
export function ReportsQueue({ roomIds = [], siteWide = false }: { roomIds?: string[]; siteWide?: boolean }) {
  const [status, setStatus] = useState<ReportStatus>('open');
  const [reports, setReports] = useState<Array<ReportView | SiteReportView> | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = roomIds.slice(0, MAX_ROOMS).join(',');

  const load = useCallback(async () => {
    setError(null);
    setCursor(null);
    try {
      if (siteWide) {
        const page = await adminApi.reports(status);
        setReports(page.reports);
        setCursor(page.nextCursor);
        loadMembersOf(page.reports);
        return;
      }
      const ids = key ? key.split(',') : [];
      const lists = await Promise.all(ids.map((id) => reportsApi.list(id, status)));
      const all = lists.flatMap((l) => l.reports).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      setReports(all);
      loadMembersOf(all);
    } catch (err) {
      setError(errorText(err));
      setReports([]);
    }
  }, [key, status, siteWide]);

  async function more() {
    if (!cursor) return;
    try {
      const page = await adminApi.reports(status, cursor);
      setReports((cur) => [...(cur ?? []), ...page.reports]);
      setCursor(page.nextCursor);
      loadMembersOf(page.reports);
    } catch (err) {
      showToast(errorText(err), 'error');
    }
  }
  useEffect(() => {
    setReports(null);
    void load();
  }, [load]);

  async function resolve(report: ReportView, resolution: ReportResolution, deleteIt = false) {
    try {
      if (deleteIt) await deleteMessage(report.roomId, report.messageId);
      await reportsApi.resolve(report.roomId, report.id, resolution);
      messageCache.delete(`${report.roomId}:${report.messageId}`);
      showToast(resolution === 'dismissed' ? t('admin.dismissed') : t('admin.actioned'));
      setReports((cur) => cur?.filter((r) => r.id !== report.id) ?? null);
    } catch (err) {
      showToast(errorText(err), 'error');
    }
  }

  return (
    <div className="stack" data-testid="reports-queue">
      <div className="segmented" role="tablist" aria-label={t('admin.filter')}>
        {(['open', 'resolved'] as const).map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={status === s}
            data-testid={`reports-${s}`}
            onClick={() => setStatus(s)}
          >
            {s === 'open' ? t('admin.showOpen') : t('admin.showResolved')}
          </button>
        ))}
      </div>
      {error && (
        <p className="form-error small" role="alert">
          {error}
        </p>
      )}
      {!reports ? (
        <p className="muted small">{t('common.loading')}</p>
      ) : reports.length === 0 ? (
        <p className="muted small" data-testid="reports-empty">
          {!siteWide && roomIds.length === 0
            ? t('admin.noRooms')
            : status === 'open'
              ? t('admin.noReports')
              : t('admin.noResolved')}
        </p>
      ) : (
        <ul className="report-list" aria-live="polite">
          {reports.map((r) => (
            <ReportItem key={r.id} report={r} onResolve={resolve} />
          ))}
        </ul>
      )}
      {cursor && (
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          data-testid="reports-more"
          onClick={() => void more()}
        >
          {t('admin.moreReports')}
        </button>
      )}
    </div>
  );
}

function ReportItem({
  report,
  onResolve,
}: {
  report: ReportView | SiteReportView;
  onResolve: (r: ReportView, resolution: ReportResolution, deleteIt?: boolean) => Promise<void>;
}) {
  const message = useReportedMessage(report);
  const [busy, setBusy] = useState(false);
  const inRoom = useApp((s) => !!s.rooms[report.roomId]);
  const room = useApp((s) =>
    !s.rooms[report.roomId] && 'roomName' in report
      ? report.roomName
      : roomTitle(s, s.rooms[report.roomId]?.room, report.roomId),
  );
  const reporter = useApp(
    (s) =>
      s.members[report.roomId]?.[report.reporterId]?.displayName ??
      s.names[report.reporterId] ??
      t('common.someone'),
  );
  const author = useApp((s) =>
    message
      ? (s.members[report.roomId]?.[message.senderId]?.displayName ??
        s.names[message.senderId] ??
        t('common.someone'))
      : '',
  );
  const excerptAuthor = useApp((s) =>
    report.messageSenderId
      ? (s.members[report.roomId]?.[report.messageSenderId]?.displayName ??
        s.names[report.messageSenderId] ??
        t('common.someone'))
      : t('common.someone'),
  );
  const act =
    (resolution: ReportResolution, deleteIt = false) =>
    async () => {
      if (deleteIt && !window.confirm(t('admin.confirmDeleteReported'))) return;
      setBusy(true);
      await onResolve(report, resolution, deleteIt);
      setBusy(false);
    };
  const gone = message === null || !!message?.deletedAt;

  return (
    <li
      className="report-item"
      data-testid="report"
      data-report-id={report.id}
      data-room-id={report.roomId}
      data-status={report.status}
    >
      <div className="report-head">
        <strong>{room}</strong>
        <span className="muted" title={formatFull(report.createdAt)}>
          {t('admin.reportedBy', { name: reporter, when: formatListTime(report.createdAt) })}
        </span>
        {report.resolution && (
          <span className={`status-tag ${report.resolution === 'actioned' ? 'status-approved' : ''}`}>
            {t(`admin.resolution.${report.resolution}`)}
          </span>
        )}
      </div>
      <blockquote className={`report-message${gone ? ' gone' : ''}`} data-testid="report-message">
        {message === undefined ? (
          t('common.loading')
        ) : gone && report.messageExcerpt ? (
          // Not readable here (not a member, or deleted since): the evidence kept with the report.
          <>
            <strong>{excerptAuthor}: </strong>
            {previewText(report.messageExcerpt, 400)}
            <span className="muted small block" data-testid="report-as-reported">
              {t('admin.asReported')}
            </span>
          </>
        ) : gone ? (
          message === null ? (
            t(inRoom ? 'admin.messageUnavailable' : 'admin.messageNotMember')
          ) : (
            t('admin.messageGone')
          )
        ) : (
          <>
            <strong>{author}: </strong>
            {previewText(message.content, 400)}
          </>
        )}
      </blockquote>
      <p className="small">{t('admin.reasonLabel', { reason: report.reason })}</p>
      {report.note && <p className="muted small">{report.note}</p>}
      <div className="report-actions">
        {message && (
          <button
            type="button"
            className="btn btn-ghost btn-xs"
            data-testid="report-open"
            onClick={() => jumpToMessage(report.roomId, report.messageId, message.seq)}
          >
            {t('admin.open')}
          </button>
        )}
        {report.status === 'open' && (
          <>
            {message && !gone && (
              <button
                type="button"
                className="btn btn-ghost btn-xs danger"
                data-testid="report-delete"
                disabled={busy}
                onClick={act('actioned', true)}
              >
                {t('admin.deleteMessage')}
              </button>
            )}
            <button
              type="button"
              className="btn btn-secondary btn-xs"
              data-testid="report-actioned"
              disabled={busy}
              onClick={act('actioned')}
            >
              {t('admin.markActioned')}
            </button>
            <button
              type="button"
              className="btn btn-secondary btn-xs"
              data-testid="report-dismiss"
              disabled={busy}
              onClick={act('dismissed')}
            >
              {t('admin.dismiss')}
            </button>
          </>
        )}
      </div>
    </li>
  );
}

import type { MessageView } from '@app/contracts/views';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatDay } from '../lib/format';
import { buildRows, toDisplay } from '../lib/grouping';
import { t } from '../lib/i18n';
import { useApp } from '../state/app';
import { loadOlder } from '../state/messages';
import { jumpToMessage } from '../state/jump';
import { leftBottom, sawBottom } from '../state/reads';
import { MessageItem, type Receipt, type ReplyInfo } from './MessageItem';
import { RichText } from './RichText';
import { revealMessage, useJumpScroll } from './useJumpScroll';

const NEAR_BOTTOM_PX = 80;
const LOAD_OLDER_PX = 240;

interface ScrollMemory {
  initialized: boolean;
  atBottom: boolean;
  /** The first message at least partly visible, and how far below the top of the viewport it was. */
  anchorKey: string | null;
  anchorOffset: number;
  lastKey: string | null;
}

function lastStoredSeq(messages: MessageView[] | undefined): number {
  return messages?.length ? messages[messages.length - 1].seq : 0;
}

export function MessageList({ roomId }: { roomId: string }) {
  const timeline = useApp((s) => s.timelines[roomId]);
  const members = useApp((s) => s.members[roomId]);
  const names = useApp((s) => s.names);
  const reads = useApp((s) => s.reads[roomId]);
  const kind = useApp((s) => s.rooms[roomId]?.room.kind);
  const myRole = useApp((s) => s.rooms[roomId]?.room.myRole);
  const lastReadSeq = useApp((s) => s.rooms[roomId]?.lastReadSeq);
  const myId = useApp((s) => s.session?.user.id ?? '');
  const scroller = useRef<HTMLDivElement>(null);
  const memory = useRef<ScrollMemory>({
    initialized: false,
    atBottom: true,
    anchorKey: null,
    anchorOffset: 0,
    lastKey: null,
  });
  const [unseenBelow, setUnseenBelow] = useState(false);
  // Where I had read to when the room opened: the "new messages" divider stays there.
  const [dividerSeq, setDividerSeq] = useState<number | undefined>(undefined);
  useEffect(() => {
    if (dividerSeq === undefined && lastReadSeq !== undefined && timeline?.status === 'ready') {
      setDividerSeq(lastReadSeq < lastStoredSeq(timeline.messages) ? lastReadSeq : Number.POSITIVE_INFINITY);
    }
  }, [dividerSeq, lastReadSeq, timeline]);

  const nameOf = useCallback(
    (id: string) => members?.[id]?.displayName ?? names[id] ?? (members ? t('common.unknownUser') : '…'),
    [members, names],
  );

  const rows = useMemo(
    () =>
      timeline
        ? buildRows(
            toDisplay(timeline.messages, timeline.pending, myId),
            myId,
            dividerSeq === Number.POSITIVE_INFINITY ? undefined : dividerSeq,
          )
        : [],
    [timeline, myId, dividerSeq],
  );
  const byId = useMemo(() => {
    const map = new Map<string, MessageView>();
    for (const m of timeline?.messages ?? []) map.set(m.id, m);
    return map;
  }, [timeline]);

  // Read receipts under my newest stored message.
  const receipt = useMemo((): { seq: number; receipt: Receipt } | null => {
    const msgs = timeline?.messages ?? [];
    let mine: MessageView | undefined;
    for (let i = msgs.length - 1; i >= 0; i--) {
      if (msgs[i].senderId === myId && msgs[i].kind !== 'system' && !msgs[i].deletedAt) {
        mine = msgs[i];
        break;
      }
    }
    if (!mine || !reads) return null;
    const readers = Object.entries(reads)
      .filter(([id, seq]) => id !== myId && seq >= (mine as MessageView).seq)
      .map(([id]) => ({ id, name: nameOf(id) }));
    return { seq: mine.seq, receipt: { count: readers.length, readers, direct: kind === 'direct' } };
  }, [timeline, reads, myId, kind, nameOf]);

  const status = timeline?.status ?? 'loading';
  const hasMoreOlder = timeline?.hasMoreOlder ?? false;
  const loadingOlder = timeline?.loadingOlder ?? false;
  const newestSeq = lastStoredSeq(timeline?.messages);

  const remember = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const m = memory.current;
    m.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    m.anchorKey = null;
    for (const child of el.querySelectorAll<HTMLElement>('[data-key]')) {
      if (child.offsetTop + child.offsetHeight > el.scrollTop) {
        m.anchorKey = child.dataset.key ?? null;
        m.anchorOffset = child.offsetTop - el.scrollTop;
        break;
      }
    }
  }, []);

  /** At the bottom of a loaded room, in a visible tab: it counts as read (debounced in state/reads). */
  const reportBottom = useCallback(() => {
    if (status !== 'ready') return;
    if (memory.current.atBottom) sawBottom(roomId, newestSeq);
    else leftBottom(roomId);
  }, [roomId, newestSeq, status]);

  const maybeLoadOlder = useCallback(() => {
    const el = scroller.current;
    if (el && el.scrollTop < LOAD_OLDER_PX && hasMoreOlder && !loadingOlder && status === 'ready') {
      void loadOlder(roomId);
    }
  }, [roomId, hasMoreOlder, loadingOlder, status]);

  // After every render: keep the view where the reader left it (older pages land above without a
  // jump), follow new messages when at the bottom, and say so when not.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const m = memory.current;
    const last = rows[rows.length - 1];
    const lastKey = last?.key ?? null;
    const appended = lastKey !== null && lastKey !== m.lastKey;
    const ownNew = appended && last.kind === 'message' && last.mine && last.message.status === 'pending';

    const setTop = (top: number) => {
      if (Math.abs(el.scrollTop - top) > 1) el.scrollTop = top;
    };

    if (!m.initialized) {
      if (rows.length) {
        const divider = el.querySelector<HTMLElement>('[data-testid="new-divider"]');
        // Opening with unread messages: start at the divider if they do not all fit.
        if (divider && el.scrollHeight - divider.offsetTop > el.clientHeight) setTop(divider.offsetTop - 40);
        else setTop(el.scrollHeight);
        m.initialized = true;
      }
    } else if (m.atBottom || ownNew) {
      setTop(el.scrollHeight);
      setUnseenBelow(false);
    } else if (m.anchorKey) {
      const anchor = el.querySelector<HTMLElement>(`[data-key="${CSS.escape(m.anchorKey)}"]`);
      if (anchor) setTop(anchor.offsetTop - m.anchorOffset);
      if (appended && m.lastKey !== null) setUnseenBelow(true);
    }
    m.lastKey = lastKey;
    remember();
  });

  useEffect(() => {
    reportBottom();
  }, [reportBottom, rows]);

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') reportBottom();
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [reportBottom]);

  // Leaving the room ends the wait to mark it read; a new message (a new reportBottom) does not.
  useEffect(() => () => leftBottom(roomId), [roomId]);

  // Not enough history to scroll yet: fetch older pages until the view is full.
  useEffect(() => {
    const el = scroller.current;
    if (
      el &&
      status === 'ready' &&
      hasMoreOlder &&
      !loadingOlder &&
      el.scrollHeight <= el.clientHeight + LOAD_OLDER_PX
    ) {
      void loadOlder(roomId);
    }
  }, [rows, status, hasMoreOlder, loadingOlder, roomId]);

  // The viewport changes size (composer grows, phone keyboard opens): stay at the bottom if there.
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (memory.current.atBottom) el.scrollTop = el.scrollHeight;
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  function onScroll() {
    remember();
    if (memory.current.atBottom) setUnseenBelow(false);
    reportBottom();
    maybeLoadOlder();
  }

  function jumpToBottom() {
    const el = scroller.current;
    if (!el) return;
    el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
    setUnseenBelow(false);
  }

  // A message not loaded yet (an old reply, a search hit) is loaded first: state/jump.ts.
  useJumpScroll(roomId, scroller, remember);
  const jumpTo = useCallback(
    (messageId: string) => {
      if (revealMessage(scroller.current, messageId)) remember();
      else jumpToMessage(roomId, messageId);
    },
    [roomId, remember],
  );

  const moderator = myRole === 'owner' || myRole === 'admin';

  return (
    <div className="message-list-wrap">
      <div
        className="message-list"
        ref={scroller}
        onScroll={onScroll}
        data-testid="message-list"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label={t('msg.listLabel')}
        tabIndex={0}
      >
        <div className="history-edge">
          {status === 'loading' && rows.length === 0 && <span className="muted">{t('msg.loading')}</span>}
          {loadingOlder && (
            <span className="muted" data-testid="loading-older">
              <span className="spinner" aria-hidden="true" /> {t('msg.loadingOlder')}
            </span>
          )}
          {!loadingOlder && timeline?.olderError && (
            <span className="form-error small">
              {timeline.olderError}{' '}
              <button type="button" className="link-button" onClick={() => void loadOlder(roomId)}>
                {t('common.retry')}
              </button>
            </span>
          )}
          {status === 'ready' && !hasMoreOlder && (
            <span className="muted" data-testid="history-start">
              {rows.length ? t('msg.beginning') : t('msg.empty')}
            </span>
          )}
        </div>
        {rows.map((row) => {
          switch (row.kind) {
            case 'day':
              return (
                <div className="day-separator" key={row.key} role="separator">
                  <span>{formatDay(row.at)}</span>
                </div>
              );
            case 'divider':
              return (
                <div className="new-divider" key={row.key} role="separator" data-testid="new-divider">
                  <span>{t('msg.newDivider')}</span>
                </div>
              );
            case 'system':
              return (
                <div
                  className="system-line"
                  key={row.key}
                  data-key={row.key}
                  data-testid="system-message"
                  data-seq={row.message.seq}
                >
                  <RichText text={row.message.content} />
                </div>
              );
            default: {
              const replyTarget = row.message.replyToId ? byId.get(row.message.replyToId) : undefined;
              const reply: ReplyInfo | undefined = row.message.replyToId
                ? {
                    senderName: replyTarget ? nameOf(replyTarget.senderId) : t('msg.original'),
                    content: replyTarget?.content ?? t('msg.originalNotLoaded'),
                    deleted: !!replyTarget?.deletedAt,
                    found: !!replyTarget,
                  }
                : undefined;
              return (
                <MessageItem
                  key={row.key}
                  roomId={roomId}
                  message={row.message}
                  mine={row.mine}
                  senderName={nameOf(row.message.senderId)}
                  senderIsBot={!!members?.[row.message.senderId]?.bot}
                  startsGroup={row.startsGroup}
                  showTime={row.showTime}
                  reply={reply}
                  receipt={receipt && row.message.seq === receipt.seq ? receipt.receipt : undefined}
                  moderator={moderator}
                  onJump={jumpTo}
                />
              );
            }
          }
        })}
      </div>
      {unseenBelow && (
        <button type="button" className="jump-button" onClick={jumpToBottom}>
          {t('msg.newBelow')}
        </button>
      )}
    </div>
  );
}

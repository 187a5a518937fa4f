import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatDay } from '../lib/format';
import { buildRows, toDisplay } from '../lib/grouping';
import { useApp } from '../state/app';
import { loadOlder } from '../state/messages';
import { MessageItem } from './MessageItem';

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

export function MessageList({ roomId }: { roomId: string }) {
  const timeline = useApp((s) => s.timelines[roomId]);
  const members = useApp((s) => s.members[roomId]);
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

  const rows = useMemo(
    () => (timeline ? buildRows(toDisplay(timeline.messages, timeline.pending, myId), myId) : []),
    [timeline, myId],
  );
  const status = timeline?.status ?? 'loading';
  const hasMoreOlder = timeline?.hasMoreOlder ?? false;
  const loadingOlder = timeline?.loadingOlder ?? false;

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
        setTop(el.scrollHeight);
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
    maybeLoadOlder();
  }

  function jumpToBottom() {
    const el = scroller.current;
    if (!el) return;
    el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
    setUnseenBelow(false);
  }

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
        aria-label="Messages"
        tabIndex={0}
      >
        <div className="history-edge">
          {status === 'loading' && rows.length === 0 && <span className="muted">Loading messages…</span>}
          {loadingOlder && (
            <span className="muted" data-testid="loading-older">
              <span className="spinner" aria-hidden="true" /> Loading older…
            </span>
          )}
          {!loadingOlder && timeline?.olderError && (
            <span className="form-error small">
              {timeline.olderError}{' '}
              <button type="button" className="link-button" onClick={() => void loadOlder(roomId)}>
                Retry
              </button>
            </span>
          )}
          {status === 'ready' && !hasMoreOlder && (
            <span className="muted" data-testid="history-start">
              {rows.length ? 'Beginning of the conversation' : 'No messages yet — say hi! 👋'}
            </span>
          )}
        </div>
        {rows.map((row) =>
          row.kind === 'day' ? (
            <div className="day-separator" key={row.key} role="separator">
              <span>{formatDay(row.at)}</span>
            </div>
          ) : (
            <MessageItem
              key={row.key}
              roomId={roomId}
              message={row.message}
              mine={row.mine}
              senderName={members ? (members[row.message.senderId]?.displayName ?? 'Unknown user') : '…'}
              startsGroup={row.startsGroup}
              showTime={row.showTime}
            />
          ),
        )}
      </div>
      {unseenBelow && (
        <button type="button" className="jump-button" onClick={jumpToBottom}>
          New messages ↓
        </button>
      )}
    </div>
  );
}

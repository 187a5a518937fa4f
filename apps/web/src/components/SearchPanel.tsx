import { HistoryLimits } from '@app/contracts/history/limits';
import type { MessageView } from '@app/contracts/views';
import {
  Fragment,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import { searchApi } from '../api/management';
import { formatFull, formatListTime } from '../lib/format';
import { highlightParts } from '../lib/highlight';
import { errorText, t } from '../lib/i18n';
import { store, useApp } from '../state/app';
import { jumpToMessage } from '../state/jump';
import { loadMembers } from '../state/rooms';
import { Avatar } from './Avatar';
import { roomTitle } from './roomName';
import './search.css';

const PAGE = HistoryLimits.SEARCH_PAGE_DEFAULT;
export function Highlighted({ text, query }: { text: string; query: string }) {
  const parts = useMemo(() => highlightParts(text, query), [text, query]);
  return (
    <>
      {parts.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <Fragment key={i}>{p.text}</Fragment>))}
    </>
  );
}

interface Results {
  query: string;
  roomId?: string;
  hits: MessageView[];
  hasMore: boolean;
  nextBeforeId?: string;
}

/**
 * Message search: this room or every room I am in. Results are buttons (arrow keys move between
 * them); choosing one opens its room at the message.
 */
export function SearchPanel({
  roomId,
  autoFocus = true,
  onClose,
}: {
  /** The open room, when searching from it; without it the search covers all my rooms. */
  roomId?: string;
  autoFocus?: boolean;
  onClose?: () => void;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const [scope, setScope] = useState<'room' | 'all'>(roomId ? 'room' : 'all');
  const [results, setResults] = useState<Results | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const seq = useRef(0);

  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);
  useEffect(() => {
    if (!onClose) return;
    const onKey = (e: globalThis.KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  async function run(query: string, more?: Results) {
    const q = query.trim();
    if (!q) return;
    const searchRoom = scope === 'room' ? roomId : undefined;
    const mine = ++seq.current;
    setBusy(true);
    setError(null);
    try {
      const page = await searchApi.messages({
        q,
        roomId: more ? more.roomId : searchRoom,
        beforeId: more?.nextBeforeId,
        limit: PAGE,
      });
      if (mine !== seq.current) return;
      const hits = more ? [...more.hits, ...page.messages] : page.messages;
      setResults({
        query: q,
        roomId: more ? more.roomId : searchRoom,
        hits,
        hasMore: page.hasMore,
        nextBeforeId: page.nextBeforeId,
      });
      // Names of senders in rooms whose members are not loaded yet.
      const missing = new Set(
        page.messages.map((m) => m.roomId).filter((r) => !store.get().members[r] && store.get().rooms[r]),
      );
      for (const r of [...missing].slice(0, 10)) loadMembers(r).catch(() => undefined);
    } catch (err) {
      if (mine === seq.current) setError(errorText(err));
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(text);
  }

  function onListKey(e: KeyboardEvent<HTMLUListElement>) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Home' && e.key !== 'End') return;
    const buttons = [...(list.current?.querySelectorAll<HTMLButtonElement>('button.search-hit') ?? [])];
    if (!buttons.length) return;
    e.preventDefault();
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next =
      e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? buttons.length - 1
          : Math.min(buttons.length - 1, Math.max(0, at + (e.key === 'ArrowDown' ? 1 : -1)));
    buttons[next].focus();
  }

  const showRoom = !results?.roomId;

  return (
    <div className="search-panel" data-testid="search-panel">
      <form className="search-form" role="search" onSubmit={submit} aria-label={t('search.title')}>
        <label htmlFor={`${id}-q`} className="sr-only">
          {t('search.label')}
        </label>
        <input
          id={`${id}-q`}
          ref={input}
          type="search"
          data-testid="search-input"
          value={text}
          placeholder={t('search.placeholder')}
          maxLength={HistoryLimits.SEARCH_QUERY_MAX_CHARS}
          enterKeyHint="search"
          autoComplete="off"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              list.current?.querySelector<HTMLButtonElement>('button.search-hit')?.focus();
            }
          }}
        />
        <button
          type="submit"
          className="btn btn-primary btn-sm"
          data-testid="search-submit"
          disabled={!text.trim() || busy}
        >
          {t('search.submit')}
        </button>
        {onClose && (
          <button
            type="button"
            className="icon-button"
            aria-label={t('search.close')}
            data-testid="search-close"
            onClick={onClose}
          >
            ✕
          </button>
        )}
      </form>
      {roomId && (
        <fieldset className="search-scope">
          <legend className="sr-only">{t('search.scope')}</legend>
          {(['room', 'all'] as const).map((s) => (
            <label key={s} className={`chip${scope === s ? ' active' : ''}`}>
              <input
                type="radio"
                name={`${id}-scope`}
                value={s}
                data-testid={`search-scope-${s}`}
                checked={scope === s}
                onChange={() => {
                  setScope(s);
                  setResults(null);
                }}
              />
              {s === 'room' ? t('search.scopeRoom') : t('search.scopeAll')}
            </label>
          ))}
        </fieldset>
      )}
      <div className="search-status" aria-live="polite">
        {busy && !results && <span className="muted small">{t('search.searching')}</span>}
        {error && (
          <span className="form-error small" role="alert">
            {error}
          </span>
        )}
        {results && !error && (
          <span className="muted small" data-testid="search-count">
            {results.hits.length === 0
              ? t('search.none', { q: results.query })
              : results.hasMore
                ? t('search.countMore', { n: results.hits.length })
                : t('search.count', { n: results.hits.length })}
          </span>
        )}
        {!results && !busy && !error && <span className="muted small">{t('search.hint')}</span>}
      </div>
      {results && results.hits.length > 0 && (
        <ul className="search-results" ref={list} onKeyDown={onListKey} data-testid="search-results">
          {results.hits.map((m) => (
            <li key={m.id}>
              <SearchHit message={m} query={results.query} showRoom={showRoom} onOpen={onClose} />
            </li>
          ))}
        </ul>
      )}
      {results?.hasMore && (
        <button
          type="button"
          className="btn btn-secondary btn-sm search-more"
          data-testid="search-more"
          disabled={busy}
          onClick={() => void run(results.query, results)}
        >
          {busy ? t('common.wait') : t('search.more')}
        </button>
      )}
    </div>
  );
}

function SearchHit({
  message,
  query,
  showRoom,
  onOpen,
}: {
  message: MessageView;
  query: string;
  showRoom: boolean;
  onOpen?: () => void;
}) {
  const sender = useApp(
    (s) => s.members[message.roomId]?.[message.senderId]?.displayName ?? s.names[message.senderId],
  );
  const room = useApp((s) => roomTitle(s, s.rooms[message.roomId]?.room, message.roomId));
  const name = sender ?? t('common.someone');
  const when = formatListTime(message.createdAt);
  return (
    <button
      type="button"
      className="search-hit"
      data-testid="search-hit"
      data-message-id={message.id}
      data-room-id={message.roomId}
      aria-label={t('search.hitLabel', { name, room, when, text: message.content })}
      onClick={() => {
        onOpen?.();
        jumpToMessage(message.roomId, message.id, message.seq);
      }}
    >
      <Avatar id={message.senderId} name={name} size="sm" photo />
      <span className="search-hit-main">
        <span className="search-hit-head">
          <strong>{name}</strong>
          {showRoom && room && <span className="search-hit-room">{room}</span>}
          <time dateTime={message.createdAt} title={formatFull(message.createdAt)}>
            {when}
          </time>
        </span>
        <span className="search-hit-text" data-testid="search-hit-text">
          <Highlighted text={message.content} query={query} />
        </span>
      </span>
    </button>
  );
}

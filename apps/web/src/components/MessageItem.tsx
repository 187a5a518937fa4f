import type { ReactionView } from '@app/contracts/views';
import { memo, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { formatFull, formatTime, previewText } from '../lib/format';
import type { DisplayMessage } from '../lib/grouping';
import { errorText, t } from '../lib/i18n';
import { showToast } from '../state/app';
import { startEditing, startReply, useCompose } from '../state/compose';
import { deleteMessage, discardMessage, editMessage, retryMessage, toggleReaction } from '../state/messages';
import { AttachmentImage } from './AttachmentImage';
import { Avatar } from './Avatar';
import { QUICK_REACTIONS } from './emoji';
import { ReportDialog } from './ReportDialog';
import { RichText } from './RichText';

/** The author may edit for this long (the server's MESSAGE_EDIT_WINDOW_SECONDS default). */
const EDIT_WINDOW_MS = 15 * 60_000;

export interface ReplyInfo {
  senderName: string;
  content: string;
  deleted: boolean;
  /** Loaded in the list (else a click loads history back to it first). */
  found: boolean;
}

export interface Receipt {
  count: number;
  readers: Array<{ id: string; name: string }>;
  direct: boolean;
}

interface Props {
  roomId: string;
  message: DisplayMessage;
  mine: boolean;
  senderName: string;
  /** The sender is an integration: marked next to the name. */
  senderIsBot?: boolean;
  startsGroup: boolean;
  showTime: boolean;
  reply?: ReplyInfo;
  receipt?: Receipt;
  /** As the room's owner or an admin: may delete anyone's message. */
  moderator: boolean;
  onJump?: (messageId: string) => void;
}

export const MessageItem = memo(function MessageItem({
  roomId,
  message,
  mine,
  senderName,
  senderIsBot,
  startsGroup,
  showTime,
  reply,
  receipt,
  moderator,
  onJump,
}: Props) {
  const { status, stored } = message;
  const editing = useCompose((s) => !!stored && s.editing === stored.id);
  const [menuOpen, setMenuOpen] = useState(false);
  const [reporting, setReporting] = useState(false);
  const deleted = !!stored?.deletedAt;
  const canAct = status === 'sent' && !!stored && !deleted;
  const canEdit = canAct && mine && Date.now() - Date.parse(message.createdAt) < EDIT_WINDOW_MS;
  const canDelete = canAct && (mine || moderator);
  const reactions = stored?.reactions ?? [];

  return (
    <div
      className={`msg ${mine ? 'mine' : 'theirs'}${startsGroup ? ' group-start' : ''} status-${status}${deleted ? ' deleted' : ''}`}
      data-testid="message"
      data-key={message.key}
      data-seq={message.seq}
      data-message-id={stored?.id}
      data-status={status}
      data-client-msg-id={message.clientMsgId}
      data-sender-id={message.senderId}
    >
      {!mine && (
        <div className="msg-avatar">
          {startsGroup && <Avatar id={message.senderId} name={senderName} size="sm" photo />}
        </div>
      )}
      <div className="msg-body">
        {!mine && startsGroup && (
          <div className="msg-sender">
            {senderName}
            {senderIsBot && <span className="kind-tag">{t('bots.badge')}</span>}
          </div>
        )}
        <div className="msg-line">
          <div className="bubble">
            {reply && message.replyToId && (
              <button
                type="button"
                className="reply-quote"
                data-testid="reply-quote"
                onClick={() => onJump?.(message.replyToId as string)}
                aria-label={t('msg.replyTo', { name: reply.senderName })}
              >
                <strong>{reply.senderName}</strong>
                <span>{reply.deleted ? t('msg.deleted') : previewText(reply.content, 90)}</span>
              </button>
            )}
            {editing && stored ? (
              <EditBox roomId={roomId} messageId={stored.id} initial={stored.content} />
            ) : deleted ? (
              <p className="msg-content tombstone" data-testid="message-content">
                {t('msg.deleted')}
              </p>
            ) : (
              <>
                {message.attachments && (
                  <div className="msg-images" data-count={message.attachments.length}>
                    {message.attachments.map((a) => (
                      <AttachmentImage
                        key={a.id}
                        attachment={a}
                        alt={
                          message.content.trim()
                            ? previewText(message.content, 120)
                            : t('attach.alt', { name: a.name })
                        }
                      />
                    ))}
                  </div>
                )}
                {(message.content || !message.attachments) && (
                  <p className="msg-content" data-testid="message-content">
                    <RichText text={message.content} />
                  </p>
                )}
              </>
            )}
          </div>
          <div className="msg-meta">
            {status === 'pending' && <span className="msg-state">{t('msg.sending')}</span>}
            {status === 'failed' && <span className="msg-state failed">{t('msg.notSent')}</span>}
            {stored?.editedAt && !deleted && (
              <span className="msg-state" data-testid="message-edited" title={formatFull(stored.editedAt)}>
                {t('msg.edited')}
              </span>
            )}
            {status === 'sent' && showTime && (
              <time dateTime={message.createdAt} title={formatFull(message.createdAt)}>
                {formatTime(message.createdAt)}
              </time>
            )}
          </div>
          {canAct && !editing && (
            <div className={`msg-actions${menuOpen ? ' open' : ''}`}>
              <button
                type="button"
                className="icon-button msg-action"
                data-testid="message-actions"
                aria-label={t('msg.actions')}
                aria-haspopup="menu"
                aria-expanded={menuOpen}
                onClick={() => setMenuOpen((v) => !v)}
              >
                ⋯
              </button>
              {menuOpen && (
                <ActionMenu
                  onClose={() => setMenuOpen(false)}
                  onReact={(emoji) => {
                    const has = reactions.some((r) => r.emoji === emoji && r.me);
                    void toggleReaction(roomId, stored.id, emoji, !has);
                  }}
                  onReply={() => startReply(roomId, stored.id)}
                  onEdit={canEdit ? () => startEditing(stored.id) : undefined}
                  onReport={!mine ? () => setReporting(true) : undefined}
                  onDelete={
                    canDelete
                      ? () => {
                          if (!window.confirm(t('msg.confirmDelete'))) return;
                          deleteMessage(roomId, stored.id).catch((err) => showToast(errorText(err), 'error'));
                        }
                      : undefined
                  }
                />
              )}
            </div>
          )}
        </div>
        {reporting && stored && (
          <ReportDialog
            roomId={roomId}
            messageId={stored.id}
            senderName={senderName}
            content={stored.content}
            onClose={() => setReporting(false)}
          />
        )}
        {reactions.length > 0 && stored && (
          <Reactions
            reactions={reactions}
            onToggle={(r) => void toggleReaction(roomId, stored.id, r.emoji, !r.me)}
          />
        )}
        {status === 'failed' && (
          <div className="msg-error" role="alert">
            <span>{message.error ?? t('msg.couldNotSend')}</span>
            <button
              type="button"
              className="link-button"
              onClick={() => retryMessage(roomId, message.clientMsgId)}
            >
              {t('common.retry')}
            </button>
            <button
              type="button"
              className="link-button danger"
              onClick={() => discardMessage(roomId, message.clientMsgId)}
            >
              {t('msg.discard')}
            </button>
          </div>
        )}
        {receipt && receipt.count > 0 && (
          <div className="receipt" data-testid="read-receipt" data-count={receipt.count}>
            {!receipt.direct && (
              <span className="receipt-avatars" aria-hidden="true">
                {receipt.readers.slice(0, 3).map((r) => (
                  <Avatar key={r.id} id={r.id} name={r.name} size="xs" photo />
                ))}
              </span>
            )}
            <span title={receipt.readers.map((r) => r.name).join(', ')}>
              {receipt.direct ? t('receipt.read') : t('receipt.readBy', { n: receipt.count })}
            </span>
          </div>
        )}
      </div>
    </div>
  );
});

function Reactions({
  reactions,
  onToggle,
}: {
  reactions: ReactionView[];
  onToggle: (r: ReactionView) => void;
}) {
  return (
    <div className="reactions" data-testid="reactions">
      {reactions.map((r) => (
        <button
          key={r.emoji}
          type="button"
          className={`reaction${r.me ? ' mine' : ''}`}
          data-testid="reaction"
          data-emoji={r.emoji}
          data-count={r.count}
          aria-pressed={r.me}
          aria-label={t('msg.reactionLabel', { emoji: r.emoji, n: r.count })}
          onClick={() => onToggle(r)}
        >
          <span className="reaction-emoji">{r.emoji}</span>
          <span className="reaction-count">{r.count}</span>
        </button>
      ))}
    </div>
  );
}

function ActionMenu({
  onClose,
  onReact,
  onReply,
  onEdit,
  onReport,
  onDelete,
}: {
  onClose: () => void;
  onReact: (emoji: string) => void;
  onReply: () => void;
  onEdit?: () => void;
  onReport?: () => void;
  onDelete?: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // Fixed to the viewport next to its button, so the list's edges never cut it off: above the
  // button when there is room, else below; kept inside the screen sideways.
  useLayoutEffect(() => {
    const menu = ref.current;
    const button = menu?.parentElement?.querySelector('[data-testid="message-actions"]');
    if (!menu || !button) return;
    const b = button.getBoundingClientRect();
    const { width, height } = menu.getBoundingClientRect();
    const margin = 8;
    const top =
      b.top - height - 6 > margin
        ? b.top - height - 6
        : Math.min(b.bottom + 6, window.innerHeight - height - margin);
    const left = Math.min(
      Math.max(margin, b.left + b.width / 2 - width / 2),
      window.innerWidth - width - margin,
    );
    menu.style.top = `${Math.max(margin, top)}px`;
    menu.style.left = `${left}px`;
    menu.style.visibility = 'visible';
  }, []);
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
    const onDown = (e: PointerEvent) => {
      if (ref.current && !ref.current.parentElement?.contains(e.target as Node)) onClose();
    };
    const onMove = (e: Event) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('scroll', onMove, true);
    window.addEventListener('resize', onClose);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('scroll', onMove, true);
      window.removeEventListener('resize', onClose);
    };
  }, [onClose]);
  const run = (fn: () => void) => () => {
    onClose();
    fn();
  };
  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
      (
        ref.current?.parentElement?.querySelector('[data-testid="message-actions"]') as HTMLElement | null
      )?.focus();
    }
  }
  return (
    <div className="action-menu" role="menu" ref={ref} onKeyDown={onKeyDown} data-testid="action-menu">
      <div className="quick-reactions" role="group" aria-label={t('msg.react')}>
        {QUICK_REACTIONS.map((emoji) => (
          <button
            key={emoji}
            type="button"
            role="menuitem"
            className="quick-reaction"
            data-testid="quick-reaction"
            data-emoji={emoji}
            aria-label={t('msg.reactWith', { emoji })}
            onClick={run(() => onReact(emoji))}
          >
            {emoji}
          </button>
        ))}
      </div>
      <button type="button" role="menuitem" data-testid="action-reply" onClick={run(onReply)}>
        {t('msg.reply')}
      </button>
      {onEdit && (
        <button type="button" role="menuitem" data-testid="action-edit" onClick={run(onEdit)}>
          {t('msg.edit')}
        </button>
      )}
      {onReport && (
        <button type="button" role="menuitem" data-testid="action-report" onClick={run(onReport)}>
          {t('report.action')}
        </button>
      )}
      {onDelete && (
        <button
          type="button"
          role="menuitem"
          className="danger"
          data-testid="action-delete"
          onClick={run(onDelete)}
        >
          {t('msg.delete')}
        </button>
      )}
    </div>
  );
}

function EditBox({ roomId, messageId, initial }: { roomId: string; messageId: string; initial: string }) {
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  async function save() {
    const content = text.trim();
    if (!content || busy) return;
    if (content === initial) {
      startEditing(null);
      return;
    }
    setBusy(true);
    try {
      await editMessage(roomId, messageId, content);
      startEditing(null);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <div className="edit-box">
      <label className="sr-only" htmlFor={`edit-${messageId}`}>
        {t('msg.editLabel')}
      </label>
      <textarea
        id={`edit-${messageId}`}
        ref={ref}
        data-testid="edit-input"
        value={text}
        rows={2}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') startEditing(null);
          else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing && e.keyCode !== 229) {
            e.preventDefault();
            void save();
          }
        }}
      />
      <div className="edit-actions">
        <button type="button" className="btn btn-ghost btn-xs" onClick={() => startEditing(null)}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="btn btn-primary btn-xs"
          data-testid="edit-save"
          disabled={busy || !text.trim()}
          onClick={() => void save()}
        >
          {t('common.save')}
        </button>
      </div>
      {error && (
        <p className="form-error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

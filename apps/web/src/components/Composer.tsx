import { Limits } from '@app/contracts/limits';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { codePointLength, previewText } from '../lib/format';
import { t } from '../lib/i18n';
import { showToast, useApp } from '../state/app';
import { AttachButton, AttachmentPreviews, toAttachmentView, useStagedImages } from './ComposerAttachments';
import { cancelReply, useCompose } from '../state/compose';
import { sendMessage } from '../state/messages';
import { composing, stoppedComposing } from '../state/typing';
import { EMOTICONS } from './emoji';
import { useRoomTitle } from './roomName';

/** Unsent text per room, kept while switching rooms. */
const drafts = new Map<string, string>();
const MAX_HEIGHT_PX = 180;

export function Composer({ roomId }: { roomId: string }) {
  const id = useId();
  const [text, setText] = useState(() => drafts.get(roomId) ?? '');
  const [picker, setPicker] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const roomName = useRoomTitle(roomId);
  const replyToId = useCompose((s) => s.replyTo[roomId]);
  const focusTick = useCompose((s) => s.focusTick);
  const replyTarget = useApp((s) =>
    replyToId ? s.timelines[roomId]?.messages.find((m) => m.id === replyToId) : undefined,
  );
  const replyName = useApp((s) =>
    replyTarget
      ? (s.members[roomId]?.[replyTarget.senderId]?.displayName ?? s.names[replyTarget.senderId])
      : undefined,
  );
  const images = useStagedImages(roomId, (message) => showToast(message, 'error'));
  const length = codePointLength(text);
  const tooLong = length > Limits.MESSAGE_MAX_CHARS;
  const canSend = (/\S/.test(text) || images.staged.length > 0) && images.allReady && !tooLong;

  useEffect(() => {
    drafts.set(roomId, text);
  }, [roomId, text]);

  // Leaving the room (or the page) while typing: say I stopped.
  useEffect(() => () => stoppedComposing(roomId), [roomId]);

  // Focus on open where there is a real keyboard (on phones it would pop the keyboard up).
  useEffect(() => {
    if (window.matchMedia?.('(pointer: fine)').matches) input.current?.focus();
  }, [roomId]);
  useEffect(() => {
    if (focusTick) input.current?.focus();
  }, [focusTick]);

  // Grow with the text up to a limit.
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [text]);

  function change(next: string) {
    setText(next);
    if (/\S/.test(next)) composing(roomId);
    else stoppedComposing(roomId);
  }

  function submit() {
    if (!canSend) return;
    const attachments = images.staged.flatMap((s) => (s.uploaded ? [toAttachmentView(s.uploaded)] : []));
    sendMessage(roomId, text.trim(), replyTarget ? replyTarget.id : undefined, attachments);
    images.clear();
    stoppedComposing(roomId);
    cancelReply(roomId);
    setText('');
    setPicker(false);
    input.current?.focus();
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    submit();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Escape' && replyToId) {
      cancelReply(roomId);
      return;
    }
    // While an IME is composing (Korean, Japanese…), Enter confirms the syllable: never send then.
    if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.nativeEvent.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    submit();
  }

  function insert(emoji: string) {
    const el = input.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    change(next);
    window.requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  }

  return (
    <form
      className={`composer${images.dragging ? ' dragging' : ''}`}
      onSubmit={onSubmit}
      onDragOver={images.onDragOver}
      onDragLeave={images.onDragLeave}
      onDrop={images.onDrop}
    >
      {images.dragging && (
        <div className="composer-drop" aria-hidden="true">
          {t('attach.drop')}
        </div>
      )}
      <AttachmentPreviews images={images} />
      {replyToId && (
        <div className="composer-reply" data-testid="composer-reply">
          <span>
            <strong>{t('msg.replyingTo', { name: replyName ?? t('common.someone') })}</strong>
            <span className="muted"> {replyTarget ? previewText(replyTarget.content, 80) : ''}</span>
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label={t('msg.cancelReply')}
            onClick={() => cancelReply(roomId)}
          >
            ×
          </button>
        </div>
      )}
      {picker && (
        <EmojiPicker
          pickerId={`${id}-picker`}
          onPick={insert}
          onClose={() => {
            setPicker(false);
            input.current?.focus();
          }}
        />
      )}
      <div className="composer-row">
        <span className="composer-tools">
          <AttachButton images={images} />
          <button
            type="button"
            className="icon-button emoji-toggle"
            data-testid="emoji-toggle"
            aria-label={t('composer.emoji')}
            aria-expanded={picker}
            aria-controls={`${id}-picker`}
            onClick={() => setPicker((v) => !v)}
          >
            <span aria-hidden="true">😊</span>
          </button>
        </span>
        <label htmlFor={`${id}-text`} className="sr-only">
          {t('composer.label')}
        </label>
        <textarea
          id={`${id}-text`}
          ref={input}
          data-testid="composer-input"
          rows={1}
          value={text}
          onChange={(e) => change(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={images.onPaste}
          onBlur={() => {
            if (!text.trim()) stoppedComposing(roomId);
          }}
          placeholder={
            images.staged.length > 0
              ? t('attach.captionPlaceholder')
              : roomName
                ? t('composer.placeholderRoom', { name: roomName })
                : t('composer.placeholder')
          }
          aria-describedby={`${id}-hint`}
          aria-invalid={tooLong || undefined}
          enterKeyHint="send"
        />
        <button
          type="submit"
          className="send-button"
          data-testid="composer-send"
          disabled={!canSend}
          aria-label={t('composer.send')}
        >
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path
              d="M3.4 20.4l17.45-7.48a1 1 0 000-1.84L3.4 3.6a.99.99 0 00-1.39.91L2 9.12c0 .5.37.93.87.99L17 12 2.87 13.88c-.5.07-.87.5-.87 1l.01 4.61c0 .71.73 1.2 1.39.91z"
              fill="currentColor"
            />
          </svg>
        </button>
      </div>
      <p id={`${id}-hint`} className={`composer-hint${tooLong ? ' form-error' : ''}`}>
        {tooLong
          ? t('composer.tooLong', {
              n: length.toLocaleString(),
              max: Limits.MESSAGE_MAX_CHARS.toLocaleString(),
            })
          : t('composer.hint')}
      </p>
    </form>
  );
}

function EmojiPicker({
  pickerId,
  onPick,
  onClose,
}: {
  pickerId: string;
  onPick: (e: string) => void;
  onClose: () => void;
}) {
  return (
    <div
      className="emoji-picker"
      id={pickerId}
      role="dialog"
      aria-label={t('composer.emoji')}
      data-testid="emoji-picker"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      {EMOTICONS.map((group) => (
        <div key={group.label} className="emoji-group" role="group" aria-label={t(`emoji.${group.label}`)}>
          {group.items.map((emoji) => (
            <button
              key={emoji}
              type="button"
              className="emoji-button"
              data-testid="emoji-option"
              aria-label={emoji}
              onClick={() => onPick(emoji)}
            >
              {emoji}
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}

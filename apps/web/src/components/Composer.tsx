import { Limits } from '@app/contracts/limits';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { codePointLength } from '../lib/format';
import { useApp } from '../state/app';
import { sendMessage } from '../state/messages';

/** Unsent text per room, kept while switching rooms. */
const drafts = new Map<string, string>();
const MAX_HEIGHT_PX = 180;

export function Composer({ roomId }: { roomId: string }) {
  const id = useId();
  const [text, setText] = useState(() => drafts.get(roomId) ?? '');
  const input = useRef<HTMLTextAreaElement>(null);
  const roomName = useApp((s) => s.rooms[roomId]?.room.name);
  const length = codePointLength(text);
  const tooLong = length > Limits.MESSAGE_MAX_CHARS;
  const canSend = /\S/.test(text) && !tooLong;

  useEffect(() => {
    drafts.set(roomId, text);
  }, [roomId, text]);

  // Focus on open where there is a real keyboard (on phones it would pop the keyboard up).
  useEffect(() => {
    if (window.matchMedia?.('(pointer: fine)').matches) input.current?.focus();
  }, [roomId]);

  // Grow with the text up to a limit.
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [text]);

  function submit() {
    if (!canSend) return;
    sendMessage(roomId, text.trim());
    setText('');
    input.current?.focus();
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    submit();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    // While an IME is composing (Korean, Japanese…), Enter confirms the syllable: never send then.
    if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.nativeEvent.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    submit();
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
      <label htmlFor={`${id}-text`} className="sr-only">
        Message
      </label>
      <textarea
        id={`${id}-text`}
        ref={input}
        data-testid="composer-input"
        rows={1}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder={roomName ? `Message ${roomName}` : 'Write a message'}
        aria-describedby={`${id}-hint`}
        aria-invalid={tooLong || undefined}
        enterKeyHint="send"
      />
      <button
        type="submit"
        className="send-button"
        data-testid="composer-send"
        disabled={!canSend}
        aria-label="Send message"
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            d="M3.4 20.4l17.45-7.48a1 1 0 000-1.84L3.4 3.6a.99.99 0 00-1.39.91L2 9.12c0 .5.37.93.87.99L17 12 2.87 13.88c-.5.07-.87.5-.87 1l.01 4.61c0 .71.73 1.2 1.39.91z"
            fill="currentColor"
          />
        </svg>
      </button>
      <p id={`${id}-hint`} className={`composer-hint${tooLong ? ' form-error' : ''}`}>
        {tooLong
          ? `Too long: ${length.toLocaleString()} / ${Limits.MESSAGE_MAX_CHARS.toLocaleString()} characters`
          : 'Enter to send · Shift+Enter for a new line'}
      </p>
    </form>
  );
}

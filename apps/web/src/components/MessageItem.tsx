import { memo } from 'react';
import { formatFull, formatTime } from '../lib/format';
import type { DisplayMessage } from '../lib/grouping';
import { discardMessage, retryMessage } from '../state/messages';
import { Avatar } from './Avatar';
import { RichText } from './RichText';

interface Props {
  roomId: string;
  message: DisplayMessage;
  mine: boolean;
  senderName: string;
  startsGroup: boolean;
  showTime: boolean;
}

export const MessageItem = memo(function MessageItem({
  roomId,
  message,
  mine,
  senderName,
  startsGroup,
  showTime,
}: Props) {
  const { status } = message;
  return (
    <div
      className={`msg ${mine ? 'mine' : 'theirs'}${startsGroup ? ' group-start' : ''} status-${status}`}
      data-testid="message"
      data-key={message.key}
      data-seq={message.seq}
      data-status={status}
      data-client-msg-id={message.clientMsgId}
      data-sender-id={message.senderId}
    >
      {!mine && (
        <div className="msg-avatar">
          {startsGroup && <Avatar id={message.senderId} name={senderName} size="sm" />}
        </div>
      )}
      <div className="msg-body">
        {!mine && startsGroup && <div className="msg-sender">{senderName}</div>}
        <div className="msg-line">
          <div className="bubble">
            <p className="msg-content" data-testid="message-content">
              <RichText text={message.content} />
            </p>
          </div>
          <div className="msg-meta">
            {status === 'pending' && <span className="msg-state">Sending…</span>}
            {status === 'failed' && <span className="msg-state failed">Not sent</span>}
            {status === 'sent' && showTime && (
              <time dateTime={message.createdAt} title={formatFull(message.createdAt)}>
                {formatTime(message.createdAt)}
              </time>
            )}
          </div>
        </div>
        {status === 'failed' && (
          <div className="msg-error" role="alert">
            <span>{message.error ?? 'Could not send.'}</span>
            <button
              type="button"
              className="link-button"
              onClick={() => retryMessage(roomId, message.clientMsgId)}
            >
              Retry
            </button>
            <button
              type="button"
              className="link-button danger"
              onClick={() => discardMessage(roomId, message.clientMsgId)}
            >
              Delete
            </button>
          </div>
        )}
      </div>
    </div>
  );
});

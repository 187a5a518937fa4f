import {
  CommonErrorCode,
  MessageView,
  PUSH_PREVIEW_MAX,
  PushLimits,
  PushMessagePayload,
  PushSubscriptionKeys,
} from '@app/contracts';
import { AppException } from '@app/common';

export interface ValidSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
}

function invalid(field: string, reason: string): AppException {
  return new AppException(CommonErrorCode.VALIDATION_FAILED, `${field}: ${reason}`, [{ field, reason }]);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Decoded length of a base64url string (padding tolerated), or -1 when it is not base64url. */
export function base64UrlBytes(value: string): number {
  const bare = value.replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(bare) || bare.length % 4 === 1) return -1;
  return Buffer.from(bare, 'base64url').length;
}

/**
 * A browser's push subscription, checked before it is stored: the server will POST to the
 * endpoint, so it must be an https URL (anything else would let a user point the server at
 * internal addresses); the keys must be what RFC 8291 encryption needs. `allowHttpLoopback`
 * admits http://127.0.0.1 for tests with a fake push service.
 */
export function validateSubscription(
  endpoint: string,
  keys: PushSubscriptionKeys,
  allowHttpLoopback: boolean,
): ValidSubscription {
  if (endpoint.length > PushLimits.ENDPOINT_MAX) throw invalid('endpoint', 'too long');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid('endpoint', 'not a URL');
  }
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(allowHttpLoopback && loopbackHttp)) {
    throw invalid('endpoint', 'must be an https URL');
  }
  if (url.username || url.password) throw invalid('endpoint', 'must not carry credentials');
  if (url.hash) throw invalid('endpoint', 'must not have a fragment');
  const p256dh = keys.p256dh.replace(/=+$/, '');
  const auth = keys.auth.replace(/=+$/, '');
  if (base64UrlBytes(p256dh) !== PushLimits.P256DH_BYTES || Buffer.from(p256dh, 'base64url')[0] !== 0x04) {
    throw invalid(
      'keys.p256dh',
      `must be a base64url uncompressed P-256 key (${PushLimits.P256DH_BYTES} bytes)`,
    );
  }
  if (base64UrlBytes(auth) !== PushLimits.AUTH_BYTES) {
    throw invalid('keys.auth', `must be ${PushLimits.AUTH_BYTES} bytes of base64url`);
  }
  return { endpoint: url.toString(), p256dh, auth };
}

/** The first characters of a message for a notification; never the whole of a long one. */
export function previewOf(message: Pick<MessageView, 'kind' | 'content'>): string {
  if (message.kind === 'image') return message.content ? truncate(message.content) : '📷';
  return truncate(message.content.replace(/\s+/g, ' ').trim());
}

function truncate(text: string): string {
  const points = Array.from(text);
  return points.length <= PUSH_PREVIEW_MAX ? text : `${points.slice(0, PUSH_PREVIEW_MAX - 1).join('')}…`;
}

export function pushPayload(
  message: Pick<MessageView, 'id' | 'roomId' | 'kind' | 'content'>,
  room: { kind: string; name: string },
  senderName: string,
): PushMessagePayload {
  return {
    kind: 'message',
    roomId: message.roomId,
    messageId: message.id,
    roomName: room.kind === 'direct' ? '' : room.name,
    senderName,
    preview: previewOf(message),
  };
}

/**
 * The push `Topic` header for a room: a push service keeps only the newest undelivered message
 * per topic, so a phone that was off gets one notification per room, not a hundred.
 */
export function roomTopic(roomId: string): string {
  return Buffer.from(roomId.replace(/-/g, ''), 'hex').toString('base64url');
}

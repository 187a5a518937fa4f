import { ApiError } from '../api/http';
import { FrameError } from '../api/socket';
import { en, ko, type MessageKey } from './strings';

/** A tiny i18n: Korean when the browser prefers it, English otherwise. */

export type Lang = 'ko' | 'en';

function detect(): Lang {
  const first =
    typeof navigator === 'undefined' ? '' : (navigator.languages?.[0] ?? navigator.language ?? '');
  return first.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

export const lang: Lang = detect();
const dict: Record<MessageKey, string> = lang === 'ko' ? ko : en;

if (typeof document !== 'undefined') document.documentElement.lang = lang;

/** `t('key', {name: 'Alice'})` fills `{name}`. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  let text = dict[key] ?? en[key] ?? key;
  if (params) for (const [k, v] of Object.entries(params)) text = text.split(`{${k}}`).join(String(v));
  return text;
}

/** Plural-free counting that reads well in both languages: picks `one` or `many` by n. */
export function tn(
  one: MessageKey,
  many: MessageKey,
  n: number,
  params?: Record<string, string | number>,
): string {
  return t(n === 1 ? one : many, { n, ...params });
}

const codeMessages: Partial<Record<string, MessageKey>> = {
  'auth.invalid_credentials': 'err.invalid_credentials',
  'auth.username_taken': 'err.username_taken',
  'auth.invalid_username': 'err.invalid_username',
  'auth.weak_password': 'err.weak_password',
  'auth.wrong_password': 'err.wrong_password',
  'auth.invalid_image': 'err.invalid_image',
  'room.invalid_image': 'err.invalid_image',
  'room.image_too_large': 'err.image_too_large',
  'moderation.report_resolved': 'err.report_resolved',
  'common.rate_limited': 'err.rate_limited',
  'common.service_unavailable': 'err.unavailable',
  'common.upstream_timeout': 'err.unavailable',
  'client.network': 'err.network',
  'client.offline': 'err.offline',
  'client.timeout': 'err.timeout',
  'room.invite_required': 'err.invite_required',
  'room.invite_invalid': 'err.invite_invalid',
  'room.banned': 'err.banned',
  'room.full': 'err.full',
  'room.not_member': 'err.not_member',
  'room.not_found': 'err.room_not_found',
  'room.forbidden': 'err.forbidden',
  'room.muted': 'err.muted',
  'room.slow_mode': 'err.slow_mode',
  'room.guests_not_allowed': 'err.guests_not_allowed',
  'room.owner_cannot_leave': 'err.owner_cannot_leave',
  'room.already_member': 'err.already_member',
  'friend.blocked': 'err.blocked',
  'friend.not_friends': 'err.not_friends',
  'friend.self': 'err.friend_self',
  'friend.already_friends': 'err.already_friends',
  'history.edit_window_closed': 'err.edit_window_closed',
  'history.not_author': 'err.not_author',
  'history.message_deleted': 'err.message_deleted',
  'history.too_many_reactions': 'err.too_many_reactions',
  'room.attachment_type_unsupported': 'err.attachment_type',
  'room.attachment_in_use': 'err.attachment_in_use',
  'room.attachment_not_found': 'err.attachment_not_found',
  'common.payload_too_large': 'err.attachment_too_large',
};

/** What to show a person for any thrown value: our words for known codes, the server's otherwise. */
export function errorText(err: unknown): string {
  const code = err instanceof ApiError || err instanceof FrameError ? err.code : undefined;
  const key = code ? codeMessages[code] : undefined;
  if (key) {
    const details = err instanceof ApiError || err instanceof FrameError ? err.details : [];
    return t(key, { detail: details[0]?.reason ?? '' });
  }
  if (err instanceof Error && err.message) return err.message;
  return t('err.generic');
}

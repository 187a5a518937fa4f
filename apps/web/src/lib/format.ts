import { t } from './i18n';

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});
const shortDayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

export function formatTime(iso: string): string {
  return timeFmt.format(new Date(iso));
}

export function formatFull(iso: string): string {
  return fullFmt.format(new Date(iso));
}

/** A local calendar-day key, used to put day separators between messages. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function formatDay(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const today = dayKey(now.toISOString());
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(iso) === today) return t('day.today');
  if (dayKey(iso) === dayKey(yesterday.toISOString())) return t('day.yesterday');
  return dayFmt.format(d);
}

/** Room-list timestamp: the time today, the date otherwise. */
export function formatListTime(iso: string, now = new Date()): string {
  return dayKey(iso) === dayKey(now.toISOString()) ? formatTime(iso) : shortDayFmt.format(new Date(iso));
}

/** One-line preview of a message for the room list. */
export function previewText(content: string, max = 80): string {
  const oneLine = content.replace(/\s+/g, ' ').trim();
  const chars = Array.from(oneLine);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : oneLine;
}

export function initials(name: string): string {
  const chars = Array.from(name.trim());
  return (chars[0] ?? '?').toUpperCase();
}

/** A stable hue per id, for avatar colours. */
export function hueOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % 360;
}

export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

import type { MessageView } from '@app/contracts/views';
import { pushApi } from '../api/push';
import { navigate } from '../lib/route';
import { t } from '../lib/i18n';
import { roomTitle } from '../components/roomName';
import { live, store } from './app';
import { loadMembers } from './rooms';

/**
 * Notifications. In the page: when the tab is hidden and a message from someone else arrives,
 * the Notification API shows it (one per room: the tag replaces the previous one). Web push:
 * when no device is connected at all, the server pushes and the service worker shows it. Both
 * are opt-in from the profile screen; the permission is asked only from that click.
 */

const PREF_KEY = 'happychat.notifications';

export function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

export function pushSupported(): boolean {
  return notificationsSupported() && 'serviceWorker' in navigator && 'PushManager' in window;
}

/** The person turned notifications on here, and the browser allows them. */
export function notificationsOn(): boolean {
  return (
    notificationsSupported() &&
    Notification.permission === 'granted' &&
    localStorage.getItem(PREF_KEY) === 'on'
  );
}

/** Call from a click: browsers only ask for permission from a user gesture. */
export async function enableNotifications(): Promise<NotificationPermission> {
  const permission =
    Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
  if (permission === 'granted') localStorage.setItem(PREF_KEY, 'on');
  return permission;
}

export function disableNotifications(): void {
  localStorage.setItem(PREF_KEY, 'off');
}

function urlBase64ToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = (value + '='.repeat((4 - (value.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

let pushConfig: Promise<{ enabled: boolean; publicKey: string | null }> | null = null;

/** Whether the server sends web push (VAPID keys configured); asked once per page load. */
export function pushAvailable(): Promise<boolean> {
  if (!pushSupported()) return Promise.resolve(false);
  pushConfig ??= pushApi.config().catch(() => ({ enabled: false, publicKey: null }));
  return pushConfig.then((c) => c.enabled && !!c.publicKey);
}

async function registration(): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator)) return null;
  return (await navigator.serviceWorker.getRegistration('/')) ?? null;
}

/** This device's push subscription is stored on the server. */
export async function pushSubscribed(): Promise<boolean> {
  const reg = await registration();
  return !!(await reg?.pushManager.getSubscription());
}

export async function subscribePush(): Promise<void> {
  const config = await (pushConfig ?? pushApi.config());
  if (!config.enabled || !config.publicKey) throw new Error('push is off on this server');
  const reg = await navigator.serviceWorker.ready;
  let sub = await reg.pushManager.getSubscription();
  const key = urlBase64ToBytes(config.publicKey);
  const sameKey = (s: PushSubscription) => {
    const current = s.options.applicationServerKey;
    return !!current && new Uint8Array(current).every((b, i) => b === key[i]);
  };
  // A subscription made with another server key (keys rotated) cannot carry our pushes.
  if (sub && !sameKey(sub)) {
    await sub.unsubscribe();
    sub = null;
  }
  sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  await pushApi.subscribe(sub.toJSON());
}

/** Forget the subscription here and on the server (also on sign-out: the device changes hands). */
export async function unsubscribePush(): Promise<void> {
  const sub = await (await registration())?.pushManager.getSubscription();
  await pushApi.unsubscribe().catch(() => undefined);
  await sub?.unsubscribe();
}

/** A live message: show it if the tab is hidden, it is not mine, and notifications are on. */
export function notifyIncoming(message: MessageView): void {
  if (message.senderId === live.userId || message.kind === 'system' || message.deletedAt) return;
  if (document.visibilityState !== 'hidden' || !notificationsOn()) return;
  void notify(message);
}

const nameOf = (roomId: string, userId: string): string | undefined => {
  const s = store.get();
  return s.members[roomId]?.[userId]?.displayName ?? s.names[userId];
};

async function notify(message: MessageView): Promise<void> {
  // A room not opened yet this session: learn its members' names first.
  if (!nameOf(message.roomId, message.senderId)) await loadMembers(message.roomId).catch(() => undefined);
  const s = store.get();
  const sender = nameOf(message.roomId, message.senderId) ?? t('common.someone');
  const room = s.rooms[message.roomId]?.room;
  const roomName = room && room.kind !== 'direct' ? roomTitle(s, room, message.roomId) : '';
  const title = roomName ? `${sender} · ${roomName}` : sender;
  const body =
    message.kind === 'image' && !message.content ? t('notify.image') : message.content.slice(0, 120);
  const options: NotificationOptions = {
    body,
    tag: `room-${message.roomId}`,
    icon: '/icons/icon-192.png',
    badge: '/icons/badge-96.png',
    data: { roomId: message.roomId, messageId: message.id },
  };
  await show(title, options, message.roomId);
}

async function show(title: string, options: NotificationOptions, roomId: string): Promise<void> {
  try {
    // Through the service worker where there is one (required on Android; clicks reach it there).
    const reg = navigator.serviceWorker?.controller ? await registration() : null;
    if (reg) {
      await reg.showNotification(title, { ...options, renotify: true } as NotificationOptions);
      return;
    }
    const n = new Notification(title, options);
    n.onclick = () => {
      window.focus();
      navigate({ name: 'room', roomId });
      n.close();
    };
  } catch (err) {
    console.warn('[notify] could not show a notification', err);
  }
}

/** A notification clicked while a window of the app was open: the worker asks it to open the room. */
export function listenForWorkerMessages(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: string; roomId?: unknown } | null;
    if (data?.type === 'open-room' && typeof data.roomId === 'string')
      navigate({ name: 'room', roomId: data.roomId });
  });
}

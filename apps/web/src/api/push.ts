import type { PushConfigView } from '@app/contracts/push/commands';
import { request } from './http';

/** Web push endpoints (the room service stores subscriptions and sends the pushes). */
export const pushApi = {
  config: () => request<PushConfigView>('GET', '/push/config'),
  subscribe: (subscription: PushSubscriptionJSON) =>
    request<void>('POST', '/push/subscription', { auth: true, body: subscription }),
  unsubscribe: () => request<{ removed: boolean }>('DELETE', '/push/subscription', { auth: true }),
};

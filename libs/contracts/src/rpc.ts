import type { ErrorPayload } from './errors';

/** The body of every RPC reply. */
export type RpcReply<T> = { ok: true; result: T } | { ok: false; error: ErrorPayload };

/** AMQP headers our publishers set. */
export const Headers = {
  CORRELATION_ID: 'x-correlation-id',
  DEATH_REASON: 'x-happychat-death-reason',
} as const;

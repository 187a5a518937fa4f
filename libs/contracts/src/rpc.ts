import type { ErrorPayload } from './errors';

/** The body of every RPC reply. */
export type RpcReply<T> = { ok: true; result: T } | { ok: false; error: ErrorPayload };

/**
 * Several requests for one command in one AMQP message, marked by its content type. Sent only
 * for `BatchableCommands`; the message's `type` and routing key name the command as for one
 * request. The reply (same content type) is a JSON array of `RpcReply`, one per item, in order.
 */
export const COMMAND_BATCH_CONTENT_TYPE = 'application/vnd.happychat.batch+json';
/** Items in one batch, and the body size (bytes) after which a batch is sent at once. */
export const CommandBatchLimits = { MAX_ITEMS: 128, MAX_BYTES: 256 * 1024 } as const;

export interface CommandBatch {
  v: 1;
  items: Array<{ correlationId?: string; command: unknown }>;
}

/** AMQP headers our publishers set. */
export const Headers = {
  CORRELATION_ID: 'x-correlation-id',
  /** On a `happychat.room.fanout` message: the distinct correlation ids of its events. */
  CORRELATION_IDS: 'x-correlation-ids',
  DEATH_REASON: 'x-happychat-death-reason',
} as const;

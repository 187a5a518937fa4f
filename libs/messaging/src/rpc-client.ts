import { Logger } from '@nestjs/common';
import { Channel, ConsumeMessage } from 'amqplib';
import {
  BatchableCommands,
  COMMAND_BATCH_CONTENT_TYPE,
  CommandBatchLimits,
  CommandInput,
  CommandResults,
  CommandType,
  CommonErrorCode,
  Exchanges,
  Headers,
  RpcReply,
} from '@app/contracts';
import { AppException } from '@app/common/errors/app.exception';
import { currentCorrelationId } from '@app/common/context/request-context';
import type { Metrics } from '@app/common/observability/metrics';
import type { Histogram } from 'prom-client';
import { uuidv7 } from '@app/common/ids/uuidv7';
import { AmqpConnection } from './amqp-connection';

const REPLY_TO = 'amq.rabbitmq.reply-to';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface RpcClientOptions {
  /** How long a request waits for its reply unless it says otherwise. */
  timeoutMs: number;
  /** The least time between two batches of one command (see the class); 0 batches per turn only. */
  batchLingerMs?: number;
}

export interface RequestOptions {
  timeoutMs?: number;
  correlationId?: string;
}

/** A batchable request waiting for the end of this turn of the event loop. */
interface Queued {
  id: string;
  /** The command, serialised once. */
  command: string;
  tracing: string;
  timeoutMs: number;
}

/** The batch a command is gathering, and how to call off the flush scheduled for it. */
interface Outgoing {
  items: Queued[];
  bytes: number;
  cancelFlush: () => void;
}

/**
 * Request/reply over RabbitMQ's direct reply-to: no reply queue to declare or clean up, replies
 * come straight back on this channel. Requests carry a TTL equal to the timeout, so a request
 * nobody picked up in time is dropped by the broker instead of being processed for no one.
 *
 * Requests for a batchable command made in the same turn of the event loop leave as one AMQP
 * message (a command batch) and come back as one reply. With a batch linger of L ms, a batch also
 * waits until L ms after the previous batch of its command left (never longer): a request after a
 * quiet spell goes at once, and under load batches leave at most every L ms, each holding what
 * arrived meanwhile. The broker hops, the wake-ups of every service on the path and the database
 * statements are then paid once per batch instead of once per chat message or two.
 */
export class RpcClient {
  private readonly logger = new Logger('RpcClient');
  private channel?: Channel;
  private readonly pending = new Map<string, Pending>();
  /** Batch correlation id → the item ids, in order. */
  private readonly batches = new Map<string, string[]>();
  private readonly outgoing = new Map<CommandType, Outgoing>();
  /** When the last batch (or lone request) of each batchable command left, performance.now(). */
  private readonly lastSentAt = new Map<CommandType, number>();
  private readonly defaultTimeoutMs: number;
  private readonly batchLingerMs: number;

  private readonly latency?: Histogram<string>;

  constructor(
    private readonly amqp: AmqpConnection,
    options: RpcClientOptions,
    metrics?: Metrics,
  ) {
    this.defaultTimeoutMs = options.timeoutMs;
    this.batchLingerMs = options.batchLingerMs ?? 0;
    this.latency = metrics?.histogram('happychat_rpc_seconds', 'RPC round trips by command and outcome', [
      'command',
      'outcome',
    ]);
  }

  async start(): Promise<void> {
    await this.amqp.onConnect(async (model) => {
      const ch = await this.amqp.setupChannel(model, 'rpc');
      ch.on('close', () => {
        if (this.channel === ch) this.channel = undefined;
        // Replies for these would arrive on a channel that no longer exists.
        this.failAll(
          new AppException(CommonErrorCode.SERVICE_UNAVAILABLE, 'Lost connection to the message broker'),
        );
      });
      ch.on('return', (msg: ConsumeMessage) => {
        const id = msg.properties.correlationId as string | undefined;
        const type = msg.properties.type as string | undefined;
        if (id)
          this.settleRequest(
            id,
            new AppException(
              CommonErrorCode.SERVICE_UNAVAILABLE,
              `No service handles ${type ?? 'this command'}`,
            ),
          );
      });
      await ch.consume(REPLY_TO, (msg) => msg && this.onReply(msg), { noAck: true });
      this.channel = ch;
    });
  }

  async request<C extends CommandType>(
    type: C,
    input: CommandInput<C>,
    options: RequestOptions = {},
  ): Promise<CommandResults[C]> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    if (!this.channel) await this.amqp.waitForConnection(Math.min(timeoutMs, 5_000));
    const ch = this.channel;
    if (!ch) throw new AppException(CommonErrorCode.SERVICE_UNAVAILABLE, 'Message broker unavailable');
    const id = uuidv7();
    const tracing = options.correlationId ?? currentCorrelationId() ?? id;
    const command = JSON.stringify({ ...input, type, v: 1 });
    const result = new Promise<CommandResults[C]>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.settle(
            id,
            new AppException(CommonErrorCode.UPSTREAM_TIMEOUT, `${type} timed out after ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
    });
    if (BatchableCommands.has(type)) {
      this.enqueue(type, { id, command, tracing, timeoutMs });
    } else {
      this.publish(ch, type, id, Buffer.from(command), timeoutMs, tracing, 'application/json');
    }
    if (!this.latency) return result;
    const stop = this.latency.startTimer({ command: type });
    return result.then(
      (v) => {
        stop({ outcome: 'ok' });
        return v;
      },
      (err: unknown) => {
        stop({ outcome: (err as { code?: string })?.code ?? 'error' });
        throw err;
      },
    );
  }

  stop(): void {
    this.failAll(new AppException(CommonErrorCode.SERVICE_UNAVAILABLE, 'Shutting down'));
  }

  private enqueue(type: CommandType, item: Queued): void {
    let out = this.outgoing.get(type);
    if (!out) {
      const wait = (this.lastSentAt.get(type) ?? -Infinity) + this.batchLingerMs - performance.now();
      let cancelFlush: () => void;
      if (wait > 0) {
        const timer = setTimeout(() => this.flush(type), wait);
        cancelFlush = () => clearTimeout(timer);
      } else {
        const immediate = setImmediate(() => this.flush(type));
        cancelFlush = () => clearImmediate(immediate);
      }
      out = { items: [], bytes: 0, cancelFlush };
      this.outgoing.set(type, out);
    }
    out.items.push(item);
    out.bytes += item.command.length;
    if (out.items.length >= CommandBatchLimits.MAX_ITEMS || out.bytes >= CommandBatchLimits.MAX_BYTES) {
      out.cancelFlush();
      this.flush(type);
    }
  }

  private flush(type: CommandType): void {
    const out = this.outgoing.get(type);
    if (!out) return;
    this.outgoing.delete(type);
    this.send(type, out.items);
  }

  private send(type: CommandType, items: Queued[]): void {
    this.lastSentAt.set(type, performance.now());
    const ch = this.channel;
    if (!ch) {
      const err = new AppException(
        CommonErrorCode.SERVICE_UNAVAILABLE,
        'Lost connection to the message broker',
      );
      for (const item of items) this.settle(item.id, err);
      return;
    }
    if (items.length === 1) {
      const [one] = items;
      this.publish(
        ch,
        type,
        one.id,
        Buffer.from(one.command),
        one.timeoutMs,
        one.tracing,
        'application/json',
      );
      return;
    }
    const batchId = uuidv7();
    this.batches.set(
      batchId,
      items.map((i) => i.id),
    );
    // The reply may never come (timeouts settle the items): forget the batch after the longest wait.
    setTimeout(() => this.batches.delete(batchId), Math.max(...items.map((i) => i.timeoutMs))).unref();
    const body = Buffer.from(
      `{"v":1,"items":[${items
        .map((i) => `{"correlationId":${JSON.stringify(i.tracing)},"command":${i.command}}`)
        .join(',')}]}`,
    );
    const timeoutMs = Math.min(...items.map((i) => i.timeoutMs));
    this.publish(ch, type, batchId, body, timeoutMs, batchId, COMMAND_BATCH_CONTENT_TYPE);
  }

  private publish(
    ch: Channel,
    type: CommandType,
    correlationId: string,
    body: Buffer,
    timeoutMs: number,
    tracing: string,
    contentType: string,
  ): void {
    try {
      ch.publish(Exchanges.COMMANDS, type, body, {
        replyTo: REPLY_TO,
        correlationId,
        type,
        mandatory: true,
        persistent: false,
        expiration: String(timeoutMs),
        contentType,
        headers: { [Headers.CORRELATION_ID]: tracing },
      });
    } catch (err) {
      this.settleRequest(
        correlationId,
        new AppException(
          CommonErrorCode.SERVICE_UNAVAILABLE,
          `Broker unavailable: ${(err as Error).message}`,
        ),
      );
    }
  }

  private onReply(msg: ConsumeMessage): void {
    const id = msg.properties.correlationId as string | undefined;
    if (!id) return;
    const items = this.batches.get(id);
    if (!items && !this.pending.has(id)) return; // a late reply to a request that already timed out
    let reply: RpcReply<unknown> | Array<RpcReply<unknown>>;
    try {
      reply = JSON.parse(msg.content.toString('utf8')) as RpcReply<unknown> | Array<RpcReply<unknown>>;
    } catch {
      this.settleRequest(id, new AppException(CommonErrorCode.INTERNAL, 'Malformed reply'));
      return;
    }
    if (items && Array.isArray(reply)) {
      this.batches.delete(id);
      items.forEach((itemId, i) => this.settleWith(itemId, reply[i]));
    } else if (!Array.isArray(reply)) {
      // One answer for a whole batch: the server could not read it at all.
      if (items) for (const itemId of items) this.settleWith(itemId, reply);
      this.batches.delete(id);
      this.settleWith(id, reply);
    } else {
      this.settleRequest(id, new AppException(CommonErrorCode.INTERNAL, 'Malformed reply'));
    }
  }

  private settleWith(id: string, reply: RpcReply<unknown> | undefined): void {
    if (!reply) this.settle(id, new AppException(CommonErrorCode.INTERNAL, 'Malformed reply'));
    else if (reply.ok) this.settle(id, undefined, reply.result);
    else this.settle(id, AppException.fromPayload(reply.error));
  }

  /** Settle a request by the correlation id it went out with: one request, or every item of a batch. */
  private settleRequest(id: string, err: Error): void {
    const items = this.batches.get(id);
    if (items) {
      this.batches.delete(id);
      for (const itemId of items) this.settle(itemId, err);
    } else {
      this.settle(id, err);
    }
  }

  private settle(id: string, err?: Error, value?: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(value);
  }

  private failAll(err: Error): void {
    // Their callers are told below that nothing was sent: nothing must be.
    for (const out of this.outgoing.values()) out.cancelFlush();
    this.outgoing.clear();
    this.batches.clear();
    for (const id of [...this.pending.keys()]) this.settle(id, err);
  }
}

import { Logger } from '@nestjs/common';
import { Channel, ConsumeMessage } from 'amqplib';
import {
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

export interface RequestOptions {
  timeoutMs?: number;
  correlationId?: string;
}

/**
 * Request/reply over RabbitMQ's direct reply-to: no reply queue to declare or clean up, replies
 * come straight back on this channel. Requests carry a TTL equal to the timeout, so a request
 * nobody picked up in time is dropped by the broker instead of being processed for no one.
 */
export class RpcClient {
  private readonly logger = new Logger('RpcClient');
  private channel?: Channel;
  private readonly pending = new Map<string, Pending>();

  private readonly latency?: Histogram<string>;

  constructor(
    private readonly amqp: AmqpConnection,
    private readonly defaultTimeoutMs: number,
    metrics?: Metrics,
  ) {
    this.latency = metrics?.histogram('happychat_rpc_seconds', 'RPC round trips by command and outcome', [
      'command',
      'outcome',
    ]);
  }

  async start(): Promise<void> {
    await this.amqp.onConnect(async (model) => {
      const ch = await model.createChannel();
      ch.on('error', (err: Error) => this.logger.warn(`rpc channel error: ${err.message}`));
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
          this.settle(
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
    const correlationId = uuidv7();
    const body = Buffer.from(JSON.stringify({ ...input, type, v: 1 }));
    const result = new Promise<CommandResults[C]>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.settle(
            correlationId,
            new AppException(CommonErrorCode.UPSTREAM_TIMEOUT, `${type} timed out after ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      this.pending.set(correlationId, { resolve: resolve as (v: unknown) => void, reject, timer });
    });
    ch.publish(Exchanges.COMMANDS, type, body, {
      replyTo: REPLY_TO,
      correlationId,
      type,
      mandatory: true,
      persistent: false,
      expiration: String(timeoutMs),
      contentType: 'application/json',
      headers: { [Headers.CORRELATION_ID]: options.correlationId ?? currentCorrelationId() ?? correlationId },
    });
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

  private onReply(msg: ConsumeMessage): void {
    const id = msg.properties.correlationId as string | undefined;
    if (!id || !this.pending.has(id)) return; // a late reply to a request that already timed out
    let reply: RpcReply<unknown>;
    try {
      reply = JSON.parse(msg.content.toString('utf8')) as RpcReply<unknown>;
    } catch {
      this.settle(id, new AppException(CommonErrorCode.INTERNAL, 'Malformed reply'));
      return;
    }
    if (reply.ok) this.settle(id, undefined, reply.result);
    else this.settle(id, AppException.fromPayload(reply.error));
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
    for (const id of [...this.pending.keys()]) this.settle(id, err);
  }
}

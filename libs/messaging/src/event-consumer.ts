import { Logger } from '@nestjs/common';
import { Channel, ConsumeMessage } from 'amqplib';
import { Exchanges, Headers, parseContract } from '@app/contracts';
import { runWithContext } from '@app/common/context/request-context';
import { AmqpConnection } from './amqp-connection';
import { declareEventQueue, declareSharedTopology } from './topology';

/** Where a message came from: what a handler may need beyond the body. */
export interface Delivery {
  routingKey: string;
  /** The AMQP `correlation_id` property, as the publisher set it. */
  correlationId?: string;
}

export interface EventSubscription<T extends object> {
  queue: string;
  /** The contract class every message must satisfy; anything else is dead-lettered at once. */
  contract: new () => T;
  handle: (message: T, delivery: Delivery) => Promise<void>;
  /**
   * For queues fed by parties outside our services (bots): a message that is too large or does
   * not satisfy the contract is answered here and acked, instead of being dead-lettered.
   */
  onInvalid?: (
    body: unknown,
    delivery: Delivery,
    reason: { message: string; details?: unknown[] },
  ) => Promise<void>;
  /** Larger bodies are invalid (only with onInvalid). */
  maxBytes?: number;
  prefetch?: number;
}

/**
 * Consumes a shared event queue: validate, handle (the handler commits its own work), then
 * ack. A failure is retried once (possibly by another instance); a second failure, or a message
 * that does not satisfy its contract, goes to the dead-letter queue with the reason, so a
 * poison message never stalls the queue.
 */
export class EventConsumer {
  private readonly logger = new Logger('EventConsumer');
  private readonly consumers: Array<{ ch: Channel; tag: string }> = [];

  private readonly subscribed = new Set<string>();

  constructor(private readonly amqp: AmqpConnection) {}

  /** The shared queues this service consumes. */
  get queues(): string[] {
    return [...this.subscribed];
  }

  async subscribe<T extends object>(sub: EventSubscription<T>): Promise<void> {
    this.subscribed.add(sub.queue);
    await this.amqp.onConnect(async (model) => {
      const ch = await this.amqp.setupChannel(model, sub.queue);
      await declareSharedTopology(ch);
      await declareEventQueue(ch, sub.queue);
      await ch.prefetch(sub.prefetch ?? 32);
      const { consumerTag } = await ch.consume(sub.queue, (msg) => msg && void this.onMessage(ch, msg, sub));
      this.consumers.push({ ch, tag: consumerTag });
    });
  }

  async stop(): Promise<void> {
    for (const { ch, tag } of this.consumers.splice(0)) await ch.cancel(tag).catch(() => undefined);
  }

  private async onMessage<T extends object>(
    ch: Channel,
    msg: ConsumeMessage,
    sub: EventSubscription<T>,
  ): Promise<void> {
    const delivery: Delivery = {
      routingKey: msg.fields.routingKey,
      ...(typeof msg.properties.correlationId === 'string'
        ? { correlationId: msg.properties.correlationId }
        : {}),
    };
    let message: T;
    let body: unknown;
    try {
      if (sub.maxBytes !== undefined && msg.content.length > sub.maxBytes) {
        throw new Error(`the body is ${msg.content.length} bytes, more than ${sub.maxBytes}`);
      }
      body = JSON.parse(msg.content.toString('utf8'));
      message = parseContract(sub.contract, body);
    } catch (err) {
      if (sub.onInvalid) {
        const details = (err as { details?: unknown[] }).details;
        try {
          await sub.onInvalid(body, delivery, {
            message: (err as Error).message,
            ...(details ? { details } : {}),
          });
          safely(() => ch.ack(msg));
          return;
        } catch (answerErr) {
          this.deadLetter(ch, msg, `invalid, and answering failed: ${(answerErr as Error).message}`);
          return;
        }
      }
      this.deadLetter(ch, msg, `invalid: ${(err as Error).message}`);
      return;
    }
    try {
      await runWithContext(msg.properties.headers?.[Headers.CORRELATION_ID] as string | undefined, () =>
        sub.handle(message, delivery),
      );
      safely(() => ch.ack(msg));
    } catch (err) {
      if (!msg.fields.redelivered) {
        safely(() => ch.nack(msg, false, true));
        return;
      }
      this.logger.error({ msg: `${sub.queue}: giving up on a message`, err: (err as Error).message });
      this.deadLetter(ch, msg, (err as Error).message ?? 'handler failed');
    }
  }

  private deadLetter(ch: Channel, msg: ConsumeMessage, reason: string): void {
    void this.amqp
      .publish(Exchanges.DEAD_LETTER, msg.fields.routingKey, msg.content, {
        type: msg.properties.type,
        headers: { ...msg.properties.headers, [Headers.DEATH_REASON]: reason.slice(0, 500) },
        persistent: true,
      })
      .then(
        () => safely(() => ch.ack(msg)),
        () => safely(() => ch.nack(msg, false, false)),
      );
  }
}

function safely(op: () => void): void {
  try {
    op();
  } catch {
    /* channel closed: the broker requeued the message */
  }
}

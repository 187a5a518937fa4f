import { Logger } from '@nestjs/common';
import { Channel, ConsumeMessage } from 'amqplib';
import {
  BatchableCommands,
  COMMAND_BATCH_CONTENT_TYPE,
  CommandBatch,
  CommandBatchLimits,
  CommandClasses,
  CommandType,
  CommonErrorCode,
  Exchanges,
  Headers,
  parseContract,
  RpcReply,
} from '@app/contracts';
import { AppException, toErrorPayload } from '@app/common/errors/app.exception';
import { runWithContext } from '@app/common/context/request-context';
import type { Metrics } from '@app/common/observability/metrics';
import type { Counter, Histogram } from 'prom-client';
import { AmqpConnection } from './amqp-connection';
import { declareCommandQueue, declareSharedTopology } from './topology';

/**
 * Reply and ack on the channel the request came in on. If that channel closed meanwhile (broker
 * lost, shutdown past its deadline), the broker has already requeued the request for another
 * consumer, so there is nothing left to do here.
 */
function settle(op: () => void): void {
  try {
    op();
  } catch {
    /* channel closed: the request was requeued by the broker */
  }
}

export type CommandFn = (payload: object, meta: { correlationId?: string }) => Promise<unknown>;

/**
 * Consumes one service's command queue. Order of work for each request: validate, run the
 * handler (which commits to its database), reply, then ack. A crash before the ack hands the
 * request to another instance; handlers are idempotent where that matters (message.send).
 */
export class CommandServer {
  private readonly logger = new Logger('CommandServer');
  private readonly handlers = new Map<string, CommandFn>();
  private channel?: Channel;
  private consumerTag?: string;
  private inFlight = 0;
  private draining = false;
  private idleWaiters: Array<() => void> = [];

  private readonly handled?: Counter<string>;
  private readonly duration?: Histogram<string>;
  private readonly batchItems?: Histogram<string>;

  constructor(
    private readonly amqp: AmqpConnection,
    private readonly queue: string,
    private readonly prefetch: number,
    metrics?: Metrics,
  ) {
    this.handled = metrics?.counter('happychat_commands_total', 'Commands handled, by command and outcome', [
      'command',
      'outcome',
    ]);
    this.duration = metrics?.histogram('happychat_command_seconds', 'Time to handle a command', ['command']);
    this.batchItems = metrics?.histogram(
      'happychat_command_batch_items',
      'Requests per AMQP message, for the commands sent in batches (a plain request counts as 1)',
      ['command'],
      [1, 2, 4, 8, 16, 32, 64, 128],
    );
    metrics?.gaugeFn('happychat_commands_in_flight', 'Commands being handled now', [], (set) =>
      set({}, this.inFlight),
    );
  }

  register(type: CommandType, fn: CommandFn): void {
    if (this.handlers.has(type)) throw new Error(`Two handlers for ${type}`);
    this.handlers.set(type, fn);
  }

  async start(): Promise<void> {
    await this.amqp.onConnect(async (model) => {
      const ch = await this.amqp.setupChannel(model, 'command');
      await declareSharedTopology(ch);
      await declareCommandQueue(ch, this.queue);
      await ch.prefetch(this.prefetch);
      if (this.draining) return;
      const { consumerTag } = await ch.consume(this.queue, (msg) => msg && void this.onMessage(ch, msg));
      this.channel = ch;
      this.consumerTag = consumerTag;
    });
  }

  /** Stop taking requests, then wait (bounded) for those in flight to finish and be acked. */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    if (this.channel && this.consumerTag) await this.channel.cancel(this.consumerTag).catch(() => undefined);
    if (this.inFlight === 0) return;
    await Promise.race([
      new Promise<void>((r) => this.idleWaiters.push(r)),
      new Promise<void>((r) => setTimeout(r, timeoutMs)),
    ]);
  }

  private async onMessage(ch: Channel, msg: ConsumeMessage): Promise<void> {
    this.inFlight++;
    const correlationId = msg.properties.headers?.[Headers.CORRELATION_ID] as string | undefined;
    try {
      await runWithContext(correlationId, () => this.process(ch, msg));
    } finally {
      if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async process(ch: Channel, msg: ConsumeMessage): Promise<void> {
    const type = String(msg.properties.type ?? msg.fields.routingKey);
    if (msg.properties.contentType === COMMAND_BATCH_CONTENT_TYPE) return this.processBatch(ch, msg, type);
    if (BatchableCommands.has(type as CommandType)) this.batchItems?.observe({ command: type }, 1);
    const correlationId = msg.properties.headers?.[Headers.CORRELATION_ID] as string | undefined;
    let reply: RpcReply<unknown>;
    try {
      const plain = this.readBody(msg, type);
      const outcome = await this.run(type, plain, correlationId);
      if (outcome.internal && !msg.fields.redelivered) {
        // One more try, possibly on another instance (a failover, a deadlock victim).
        settle(() => ch.nack(msg, false, true));
        return;
      }
      if (outcome.internal) this.deadLetter(msg, outcome.internal);
      reply = outcome.reply;
    } catch (err) {
      reply = { ok: false, error: toErrorPayload(err) };
    }
    this.answer(ch, msg, reply);
  }

  /**
   * A command batch: every item is validated and handled on its own, concurrently, and answered
   * in one reply in item order; one item's refusal does not touch the others. An item that fails
   * unexpectedly is tried once more here (a redelivery would repeat the whole batch).
   */
  private async processBatch(ch: Channel, msg: ConsumeMessage, type: string): Promise<void> {
    let replies: RpcReply<unknown> | Array<RpcReply<unknown>>;
    try {
      if (!BatchableCommands.has(type as CommandType)) {
        this.deadLetter(msg, `${type.slice(0, 100)} is not sent in batches`);
        throw new AppException(CommonErrorCode.VALIDATION_FAILED, `${type} is not sent in batches`);
      }
      const batch = this.readBody(msg, type) as Partial<CommandBatch> | null;
      if (!batch || !Array.isArray(batch.items)) {
        this.deadLetter(msg, 'Command batch without items');
        throw new AppException(CommonErrorCode.VALIDATION_FAILED, 'Command batch without items');
      }
      if (batch.items.length > CommandBatchLimits.MAX_ITEMS) {
        this.deadLetter(msg, `Command batch of ${batch.items.length} items`);
        throw new AppException(
          CommonErrorCode.VALIDATION_FAILED,
          `A command batch holds at most ${CommandBatchLimits.MAX_ITEMS} items`,
        );
      }
      this.batchItems?.observe({ command: type }, batch.items.length);
      replies = await Promise.all(
        batch.items.map(async (item) => {
          const correlationId = typeof item?.correlationId === 'string' ? item.correlationId : undefined;
          return runWithContext(correlationId, async () => {
            let outcome = await this.run(type, item?.command, correlationId);
            if (outcome.internal) outcome = await this.run(type, item?.command, correlationId);
            if (outcome.internal) this.deadLetterItem(msg, item?.command, outcome.internal);
            return outcome.reply;
          });
        }),
      );
    } catch (err) {
      replies = { ok: false, error: toErrorPayload(err) };
    }
    this.answer(ch, msg, replies, COMMAND_BATCH_CONTENT_TYPE);
  }

  private readBody(msg: ConsumeMessage, type: string): unknown {
    if (!this.handlers.has(type) || !(type in CommandClasses)) {
      // No caller of ours sends these: keep a copy for whoever has to find out who did.
      this.deadLetter(msg, `Unknown command ${type.slice(0, 100)}`);
      this.handled?.inc({ command: type, outcome: CommonErrorCode.NOT_FOUND });
      throw new AppException(CommonErrorCode.NOT_FOUND, `Unknown command ${type}`);
    }
    try {
      return JSON.parse(msg.content.toString('utf8'));
    } catch {
      this.deadLetter(msg, 'Command body is not JSON');
      this.handled?.inc({ command: type, outcome: CommonErrorCode.VALIDATION_FAILED });
      throw new AppException(CommonErrorCode.VALIDATION_FAILED, 'Command body is not JSON');
    }
  }

  /** Validate and handle one command. `internal` is set (the reason) when it failed unexpectedly. */
  private async run(
    type: string,
    plain: unknown,
    correlationId: string | undefined,
  ): Promise<{ reply: RpcReply<unknown>; internal?: string }> {
    const stop = this.duration?.startTimer({ command: type });
    try {
      const cls = (CommandClasses as Record<string, new () => object>)[type];
      const handler = this.handlers.get(type) as CommandFn;
      const payload = parseContract(cls, plain);
      const result = await handler(payload, { correlationId });
      this.handled?.inc({ command: type, outcome: 'ok' });
      return { reply: { ok: true, result } };
    } catch (err) {
      const error = toErrorPayload(err);
      this.handled?.inc({ command: type, outcome: error.code });
      if (error.code !== CommonErrorCode.INTERNAL) return { reply: { ok: false, error } };
      this.logger.error(
        { msg: `${type} failed`, correlationId, err: (err as Error)?.message },
        (err as Error)?.stack,
      );
      return { reply: { ok: false, error }, internal: (err as Error)?.message ?? 'handler failed' };
    } finally {
      stop?.();
    }
  }

  private answer(ch: Channel, msg: ConsumeMessage, reply: unknown, contentType = 'application/json'): void {
    settle(() => {
      if (msg.properties.replyTo) {
        ch.sendToQueue(msg.properties.replyTo, Buffer.from(JSON.stringify(reply)), {
          correlationId: msg.properties.correlationId,
          contentType,
        });
      }
      ch.ack(msg);
    });
  }

  private deadLetterItem(msg: ConsumeMessage, command: unknown, reason: string): void {
    this.deadLetter({ ...msg, content: Buffer.from(JSON.stringify(command ?? null)) }, reason);
  }

  private deadLetter(msg: ConsumeMessage, reason: string): void {
    void this.amqp
      .publish(Exchanges.DEAD_LETTER, msg.fields.routingKey, msg.content, {
        type: msg.properties.type,
        headers: { ...msg.properties.headers, [Headers.DEATH_REASON]: reason.slice(0, 500) },
        persistent: true,
      })
      .catch(() => undefined);
  }
}

import { Logger } from '@nestjs/common';
import { Channel, ChannelModel, ConfirmChannel, connect, Options } from 'amqplib';
import { Writable } from 'node:stream';
import { CommonErrorCode } from '@app/contracts';
import { AppException } from '@app/common/errors/app.exception';

export type OnConnect = (model: ChannelModel) => Promise<void>;

export interface PublishResult {
  /** False when the broker found no queue for a `mandatory` publish. */
  routed: boolean;
}

/**
 * Everything amqplib writes in one turn of the event loop leaves in one `writev`: corked at the
 * first write, uncorked in the check phase. Without it every frame of every publish, ack and
 * reply was a system call of its own, and the broker woke up for each; under load those writes
 * were the largest item in every service's CPU profile.
 */
export function coalesceWrites(socket: Writable): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write(...args);
  }) as Writable['write'];
}

const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 10_000;

/**
 * One AMQP connection per process, kept alive: on loss it reconnects with backoff and replays
 * every registered setup (topology, consumers) in order, so recovery is declared, not improvised.
 * Publishing goes through one confirm channel; a publish resolves only when the broker has
 * taken responsibility for the message.
 */
export class AmqpConnection {
  private readonly logger: Logger;
  private model?: ChannelModel;
  private publisher?: ConfirmChannel;
  private readonly setups: OnConnect[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly returned = new Set<string>();
  private closing = false;
  private attempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private publishSeq = 0;

  /**
   * @param prelude runs first on every (re)connect, before any registered setup: the shared
   *   topology, so no consumer or binding ever meets an exchange that does not exist yet.
   */
  constructor(
    private readonly url: string,
    private readonly connectionName: string,
    private readonly prelude?: (ch: Channel) => Promise<void>,
  ) {
    this.logger = new Logger(`Amqp(${connectionName})`);
  }

  get connected(): boolean {
    return !!this.model && !!this.publisher;
  }

  /** Connect, retrying until the broker answers. Resolves after the first successful setup. */
  async start(): Promise<void> {
    this.closing = false;
    await this.connectOnce().catch(() => this.scheduleReconnect());
    if (!this.connected) await this.waitForConnection(Number.POSITIVE_INFINITY);
  }

  /** Register work to redo on every (re)connect; runs at once when already connected. */
  async onConnect(setup: OnConnect): Promise<void> {
    this.setups.push(setup);
    if (this.model) await setup(this.model);
  }

  async publish(
    exchange: string,
    routingKey: string,
    body: unknown,
    options: Options.Publish = {},
  ): Promise<PublishResult> {
    const channel = this.publisher ?? (await this.waitForPublisher());
    const messageId = options.messageId ?? `${this.connectionName}-${++this.publishSeq}`;
    const content = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const opts: Options.Publish = {
      contentType: 'application/json',
      timestamp: Math.floor(Date.now() / 1000),
      ...options,
      messageId,
    };
    await new Promise<void>((resolve, reject) => {
      try {
        channel.publish(exchange, routingKey, content, opts, (err) =>
          err
            ? reject(new AppException(CommonErrorCode.SERVICE_UNAVAILABLE, 'Broker refused the message'))
            : resolve(),
        );
      } catch (err) {
        reject(
          new AppException(
            CommonErrorCode.SERVICE_UNAVAILABLE,
            `Broker unavailable: ${(err as Error).message}`,
          ),
        );
      }
    });
    // The broker sends basic.return before the confirm, so the outcome is known here.
    const routed = !this.returned.delete(messageId);
    return { routed };
  }

  /**
   * A channel for a setup's consumer (see onConnect). If it closes (a channel error) or the broker
   * cancels one of its consumers (its queue was deleted) while the connection stays up, nothing
   * else would notice: the service would go on without that consumer. So the connection is closed
   * and reopened, and every setup runs again, as after any broker failure.
   */
  async setupChannel(model: ChannelModel, name: string): Promise<Channel> {
    const ch = await model.createChannel();
    ch.on('error', (err: Error) => this.logger.warn(`${name} channel error: ${err.message}`));
    ch.on('close', () => this.startOver(model, `${name} channel closed`));
    ch.on('cancel', () => this.startOver(model, `the broker cancelled a ${name} consumer`));
    return ch;
  }

  /** A plain channel on the current connection, for callers that manage their own lifecycle. */
  async createChannel(): Promise<Channel> {
    if (!this.model)
      throw new AppException(CommonErrorCode.SERVICE_UNAVAILABLE, 'Message broker unavailable');
    return this.model.createChannel();
  }

  async stop(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const model = this.model;
    this.model = undefined;
    this.publisher = undefined;
    if (model) await model.close().catch(() => undefined);
  }

  /** Wait until connected, up to `timeoutMs`; throws SERVICE_UNAVAILABLE after that. */
  async waitForConnection(timeoutMs: number): Promise<void> {
    if (this.connected) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            this.waiters.delete(done);
            reject(new AppException(CommonErrorCode.SERVICE_UNAVAILABLE, 'Message broker unavailable'));
          }, timeoutMs)
        : undefined;
      this.waiters.add(done);
    });
  }

  private async waitForPublisher(): Promise<ConfirmChannel> {
    await this.waitForConnection(5_000);
    if (!this.publisher)
      throw new AppException(CommonErrorCode.SERVICE_UNAVAILABLE, 'Message broker unavailable');
    return this.publisher;
  }

  private async connectOnce(): Promise<void> {
    // noDelay: with Nagle's algorithm on, every request/reply round trip waited ~40 ms for an ACK.
    const model = await connect(this.url, {
      clientProperties: { connection_name: this.connectionName },
      noDelay: true,
    });
    const socket = (model as unknown as { connection?: { stream?: unknown } }).connection?.stream;
    if (socket instanceof Writable) coalesceWrites(socket);
    model.on('error', (err: Error) => this.logger.warn(`connection error: ${err.message}`));
    model.on('close', () => {
      if (this.model !== model) return;
      this.model = undefined;
      this.publisher = undefined;
      if (!this.closing) {
        this.logger.warn('connection lost; reconnecting');
        this.scheduleReconnect();
      }
    });
    model.on('blocked', (reason: string) => this.logger.warn(`broker blocked publishing: ${reason}`));
    try {
      const publisher = await model.createConfirmChannel();
      publisher.on('return', (msg) => {
        if (msg.properties.messageId) this.returned.add(String(msg.properties.messageId));
      });
      publisher.on('error', (err: Error) => this.logger.error(`publisher channel error: ${err.message}`));
      // A channel-level error (never expected on the publisher) closes the connection too, so
      // every setup is replayed on a consistent state.
      publisher.on('close', () => this.startOver(model, 'publisher channel closed'));
      this.model = model;
      if (this.prelude) {
        const ch = await model.createChannel();
        await this.prelude(ch);
        await ch.close();
      }
      for (const setup of this.setups) await setup(model);
      this.publisher = publisher;
    } catch (err) {
      this.model = undefined;
      await model.close().catch(() => undefined);
      throw err;
    }
    this.attempt = 0;
    this.logger.log('connected');
    for (const w of [...this.waiters]) w();
  }

  /** Close `model` if it is still the live connection; its 'close' handler reconnects. */
  private startOver(model: ChannelModel, reason: string): void {
    // Later in the turn: when the whole connection closes, its channels close first, and by
    // then this is no longer the live connection.
    setImmediate(() => {
      if (this.model !== model || this.closing) return;
      this.logger.warn(`${reason}: reconnecting`);
      model.close().catch(() => undefined);
    });
  }

  private scheduleReconnect(): void {
    if (this.closing || this.reconnectTimer) return;
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempt++);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connectOnce().catch((err: Error) => {
        this.logger.warn(`connect failed (${err.message}); retrying`);
        this.scheduleReconnect();
      });
    }, delay);
  }
}

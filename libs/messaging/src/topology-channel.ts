import { Logger } from '@nestjs/common';
import { Channel } from 'amqplib';
import { AmqpConnection } from './amqp-connection';

/**
 * One dedicated channel for topology changes (declares, binds, unbinds) on a connection. A
 * channel error (e.g. a binding to an exchange deleted underneath us) closes only this channel;
 * the next call opens a new one. amqplib runs a channel's calls one at a time, in call order.
 */
export class TopologyChannel {
  private readonly logger: Logger;
  private channel?: Promise<Channel>;

  constructor(
    private readonly amqp: AmqpConnection,
    name = 'topology',
  ) {
    this.logger = new Logger(name);
  }

  async run<T>(fn: (ch: Channel) => Promise<T>): Promise<T> {
    return fn(await this.getChannel());
  }

  private getChannel(): Promise<Channel> {
    if (!this.channel) {
      const opening = (async () => {
        await this.amqp.waitForConnection(5_000);
        const ch = await this.amqp.createChannel();
        ch.on('error', (err: Error) => this.logger.warn(`channel error: ${err.message}`));
        ch.on('close', () => {
          if (this.channel === opening) this.channel = undefined;
        });
        return ch;
      })();
      opening.catch(() => {
        if (this.channel === opening) this.channel = undefined;
      });
      this.channel = opening;
    }
    return this.channel;
  }
}

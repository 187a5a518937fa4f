import { Logger } from '@nestjs/common';
import { Channel } from 'amqplib';
import { botQueue, Exchanges, inboxExchange, RoutingKeys } from '@app/contracts';
import { AmqpConnection } from './amqp-connection';
import { declareBotQueue } from './topology';

/**
 * Per-user inboxes. An inbox is a durable fanout exchange `happychat.inbox.<userId>` bound to
 * `happychat.room.events` with `room.<roomId>.user.*` for every room the user is in, and to
 * `happychat.user.events` with `user.<userId>`. Gateways bind their one queue to the inboxes of
 * the users connected to them. No messages are stored per user: the fan-out costs no disk write
 * per recipient, and RabbitMQ delivers a message once per gateway queue however many of its
 * inboxes it matched.
 */
export class InboxBindings {
  private readonly logger = new Logger('InboxBindings');
  private channel?: Promise<Channel>;

  constructor(private readonly amqp: AmqpConnection) {}

  async ensureInbox(userId: string): Promise<void> {
    await this.run(async (ch) => {
      await ch.assertExchange(inboxExchange(userId), 'fanout', { durable: true });
      await ch.bindExchange(inboxExchange(userId), Exchanges.USER_EVENTS, RoutingKeys.userEvent(userId));
    });
  }

  async bindRoom(userId: string, roomId: string): Promise<void> {
    await this.ensureInbox(userId);
    await this.run((ch) =>
      ch.bindExchange(inboxExchange(userId), Exchanges.ROOM_EVENTS, RoutingKeys.roomBinding(roomId)),
    );
  }

  async unbindRoom(userId: string, roomId: string): Promise<void> {
    await this.run((ch) =>
      ch.unbindExchange(inboxExchange(userId), Exchanges.ROOM_EVENTS, RoutingKeys.roomBinding(roomId)),
    );
  }

  async attachQueue(queue: string, userId: string): Promise<void> {
    await this.ensureInbox(userId);
    await this.run((ch) => ch.bindQueue(queue, inboxExchange(userId), ''));
  }

  async detachQueue(queue: string, userId: string): Promise<void> {
    await this.run((ch) => ch.unbindQueue(queue, inboxExchange(userId), ''));
  }

  /** An integration's own durable queue, bound to its inbox (so to its rooms, through membership). */
  async ensureBotQueue(botId: string): Promise<void> {
    await this.ensureInbox(botId);
    await this.run((ch) => declareBotQueue(ch, botId));
  }

  async deleteBotQueue(botId: string): Promise<void> {
    await this.run(async (ch) => {
      await ch.deleteQueue(botQueue(botId));
    });
  }

  /**
   * Topology changes go through one dedicated channel. A channel error (e.g. a binding to an
   * exchange deleted underneath us) closes only that channel; the next call opens a new one.
   */
  private async run<T>(fn: (ch: Channel) => Promise<T>): Promise<T> {
    const ch = await this.getChannel();
    return fn(ch);
  }

  private getChannel(): Promise<Channel> {
    if (!this.channel) {
      const opening = (async () => {
        await this.amqp.waitForConnection(5_000);
        const ch = await this.amqp.createChannel();
        ch.on('error', (err: Error) => this.logger.warn(`topology channel error: ${err.message}`));
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

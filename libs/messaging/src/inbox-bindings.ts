import { botQueue, Exchanges, inboxExchange, RoutingKeys } from '@app/contracts';
import { AmqpConnection } from './amqp-connection';
import { declareBotQueue } from './topology';
import { TopologyChannel } from './topology-channel';

/**
 * Integrations' inboxes. An inbox is a durable fanout exchange `happychat.inbox.<botId>` bound to
 * `happychat.room.events` with `room.<roomId>.user.*` for every room the integration is in, and
 * to `happychat.user.events` with `user.<botId>`; the integration's durable queue hangs off it,
 * so it hears exactly its rooms whether or not it is connected. People have no inbox: gateways
 * bind their own queue per room and per connected user (see the gateway's DeliveryService), which
 * spares RabbitMQ routing every room event into one exchange per member.
 */
export class InboxBindings {
  private readonly topology: TopologyChannel;

  constructor(amqp: AmqpConnection) {
    this.topology = new TopologyChannel(amqp, 'InboxBindings');
  }

  async ensureInbox(userId: string): Promise<void> {
    await this.topology.run(async (ch) => {
      await ch.assertExchange(inboxExchange(userId), 'fanout', { durable: true });
      await ch.bindExchange(inboxExchange(userId), Exchanges.USER_EVENTS, RoutingKeys.userEvent(userId));
    });
  }

  async bindRoom(userId: string, roomId: string): Promise<void> {
    await this.ensureInbox(userId);
    await this.topology.run((ch) =>
      ch.bindExchange(inboxExchange(userId), Exchanges.ROOM_EVENTS, RoutingKeys.roomBinding(roomId)),
    );
  }

  async unbindRoom(userId: string, roomId: string): Promise<void> {
    await this.topology.run((ch) =>
      ch.unbindExchange(inboxExchange(userId), Exchanges.ROOM_EVENTS, RoutingKeys.roomBinding(roomId)),
    );
  }

  /** An integration's own durable queue, bound to its inbox (so to its rooms, through membership). */
  async ensureBotQueue(botId: string): Promise<void> {
    await this.ensureInbox(botId);
    await this.topology.run((ch) => declareBotQueue(ch, botId));
  }

  async deleteBotQueue(botId: string): Promise<void> {
    await this.topology.run(async (ch) => {
      await ch.deleteQueue(botQueue(botId));
    });
  }
}

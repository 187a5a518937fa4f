import { DomainEvent, Exchanges, Headers, RoutingKeys } from '@app/contracts';
import { currentCorrelationId } from '@app/common/context/request-context';
import { AmqpConnection } from './amqp-connection';

/**
 * Publishes facts. Messages are transient on purpose: the database (history for messages,
 * room for membership) is the record; the broker only speeds delivery to whoever is online.
 * Each publish waits for the broker's confirm.
 */
export class EventPublisher {
  constructor(private readonly amqp: AmqpConnection) {}

  async publishRoomEvent(roomId: string, actorId: string, event: DomainEvent): Promise<void> {
    await this.send(Exchanges.ROOM_EVENTS, RoutingKeys.roomEvent(roomId, actorId), event);
  }

  /** `replyTo.correlationId` sets the AMQP `correlation_id` property (answers to a bot's command). */
  async publishUserEvent(
    userId: string,
    event: DomainEvent,
    replyTo?: { correlationId?: string },
  ): Promise<void> {
    await this.send(Exchanges.USER_EVENTS, RoutingKeys.userEvent(userId), event, replyTo?.correlationId);
  }

  private async send(
    exchange: string,
    key: string,
    event: DomainEvent,
    replyCorrelationId?: string,
  ): Promise<void> {
    const correlationId = currentCorrelationId();
    await this.amqp.publish(exchange, key, event, {
      type: event.type,
      messageId: event.eventId,
      persistent: false,
      ...(replyCorrelationId ? { correlationId: replyCorrelationId } : {}),
      ...(correlationId ? { headers: { [Headers.CORRELATION_ID]: correlationId } } : {}),
    });
  }
}

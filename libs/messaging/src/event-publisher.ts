import { DomainEvent, Exchanges, Headers, ROOM_FANOUT_CONTENT_TYPE, RoutingKeys } from '@app/contracts';
import { currentCorrelationId } from '@app/common/context/request-context';
import { AmqpConnection } from './amqp-connection';
import { encodeRoomFanout, RoomFanoutLimits } from './room-fanout';

export interface RoomEventOptions {
  /**
   * Whether the room may have integrations, whose inboxes hear `happychat.room.events`. Only a
   * caller that has just read the room's members may say false; unknown counts as true.
   */
  integrations?: boolean;
  /** False: no connected client needs it (gateways would hand it to nobody); integrations only. */
  gateways?: boolean;
}

interface FanoutBatch {
  items: { roomId: string; json: string }[];
  bytes: number;
  correlationIds: Set<string>;
  waiters: { resolve: () => void; reject: (err: unknown) => void }[];
}

/**
 * Publishes facts. Messages are transient on purpose: the database (history for messages,
 * room for membership) is the record; the broker only speeds delivery to whoever is online.
 * Each publish waits for the broker's confirm.
 *
 * Room events for gateways are gathered per turn of the event loop into one message on
 * `happychat.room.fanout`, whatever their rooms: RabbitMQ's cost is per message, not per byte
 * (150–180 µs of broker CPU per event sent alone here, 10–20 µs in such a message), and a history
 * service's group commit announces a dozen rooms' messages at once (docs/performance.md, "room
 * events in one message per turn").
 */
export class EventPublisher {
  private fanout?: FanoutBatch;

  constructor(private readonly amqp: AmqpConnection) {}

  async publishRoomEvent(
    roomId: string,
    actorId: string,
    event: DomainEvent,
    options: RoomEventOptions = {},
  ): Promise<void> {
    const json = JSON.stringify(event);
    const toGateways = options.gateways === false ? Promise.resolve() : this.addToFanout(roomId, json);
    if (options.integrations === false) return toGateways;
    await Promise.all([
      toGateways,
      this.send(Exchanges.ROOM_EVENTS, RoutingKeys.roomEvent(roomId, actorId), event, {
        content: Buffer.from(json),
      }),
    ]);
  }

  /** `replyTo.correlationId` sets the AMQP `correlation_id` property (answers to a bot's command). */
  async publishUserEvent(
    userId: string,
    event: DomainEvent,
    replyTo?: { correlationId?: string },
  ): Promise<void> {
    await this.send(Exchanges.USER_EVENTS, RoutingKeys.userEvent(userId), event, {
      replyCorrelationId: replyTo?.correlationId,
    });
  }

  private addToFanout(roomId: string, json: string): Promise<void> {
    const bytes = roomId.length + Buffer.byteLength(json) + 2;
    let batch = this.fanout;
    if (
      batch &&
      (batch.items.length >= RoomFanoutLimits.MAX_ITEMS || batch.bytes + bytes > RoomFanoutLimits.MAX_BYTES)
    ) {
      this.flushFanout();
      batch = undefined;
    }
    if (!batch) {
      batch = this.fanout = { items: [], bytes: 0, correlationIds: new Set(), waiters: [] };
      setImmediate(() => {
        if (this.fanout === batch) this.flushFanout();
      });
    }
    batch.items.push({ roomId, json });
    batch.bytes += bytes;
    const correlationId = currentCorrelationId();
    if (correlationId) batch.correlationIds.add(correlationId);
    const added = batch;
    return new Promise((resolve, reject) => added.waiters.push({ resolve, reject }));
  }

  /** Publishes the gathered events now, in the order they were added, as one message. */
  private flushFanout(): void {
    const batch = this.fanout;
    if (!batch) return;
    this.fanout = undefined;
    const keys = [...new Set(batch.items.map((i) => RoutingKeys.roomFanout(i.roomId)))];
    const [key, ...cc] = keys;
    const headers: Record<string, string[]> = {};
    if (cc.length > 0) headers.CC = cc;
    if (batch.correlationIds.size > 0) headers[Headers.CORRELATION_IDS] = [...batch.correlationIds];
    this.amqp
      .publish(Exchanges.ROOM_FANOUT, key, encodeRoomFanout(batch.items), {
        contentType: ROOM_FANOUT_CONTENT_TYPE,
        persistent: false,
        headers,
      })
      .then(
        () => batch.waiters.forEach((w) => w.resolve()),
        (err: unknown) => batch.waiters.forEach((w) => w.reject(err)),
      );
  }

  private async send(
    exchange: string,
    key: string,
    event: DomainEvent,
    { content, replyCorrelationId }: { content?: Buffer; replyCorrelationId?: string } = {},
  ): Promise<void> {
    const correlationId = currentCorrelationId();
    await this.amqp.publish(exchange, key, content ?? event, {
      type: event.type,
      messageId: event.eventId,
      persistent: false,
      ...(replyCorrelationId ? { correlationId: replyCorrelationId } : {}),
      ...(correlationId ? { headers: { [Headers.CORRELATION_ID]: correlationId } } : {}),
    });
  }
}

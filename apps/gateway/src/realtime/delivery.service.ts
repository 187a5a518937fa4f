import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import {
  Commands,
  Events,
  Exchanges,
  gatewayQueue,
  RoutingKeys,
  parseUserEventKey,
  DomainEvent,
  WsCloseCodes,
} from '@app/contracts';
import { Metrics, uuidv7 } from '@app/common';
import { AmqpConnection, RpcClient, TopologyChannel, decodeRoomFanout } from '@app/messaging';
import { GatewayConfig } from '../gateway.config';
import { LocalDirectory } from './local-directory';

const ROOM_UPDATED_MARK = Buffer.from(`"${Events.ROOM_UPDATED}"`);
/** How a receipt with an audience begins (the room service writes those two fields first). */
const RECEIPT_WITH_AUDIENCE = Buffer.from(`{"type":"${Events.ROOM_MEMBER_READ}","audience":`);

/**
 * Gets room and user events to the sockets on this gateway. The gateway has ONE transient,
 * exclusive queue, bound to `happychat.user.events` with `user.<id>` while that user has a socket
 * here, and to `happychat.room.fanout` with `room.<id>` while any user here is in that room.
 * RabbitMQ routes each message of room events once per gateway that needs any of its rooms, and
 * the gateway fans each event out to the local members of its room (none, for a room that came
 * along with another). Which rooms those are, the gateway learns when a user connects and then
 * follows from their `user.membership.*` events. (A second queue beside it only
 * ever holds word that the first one dropped events: see onEventsLost.)
 */
@Injectable()
export class DeliveryService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Delivery');
  readonly instanceId: string;
  readonly queue: string;
  /** Users whose events (`user.<id>`) this gateway's queue is bound to. */
  private readonly attached = new Set<string>();
  /** Rooms whose events this gateway's queue is bound to; kept by syncRoom, one room at a time. */
  private readonly boundRooms = new Set<string>();
  private readonly roomOps = new Map<string, Promise<void>>();
  /** While set, events wait here in arrival order: a room new to this gateway is being bound. */
  private held?: ConsumeMessage[];
  /** Users whose rooms are loaded into the directory (and kept by their membership events since). */
  private readonly loaded = new Set<string>();
  /** Removals seen while a user's membership list was loading: the list may be older than them. */
  private readonly removedWhileLoading = new Map<string, Set<string>>();
  private readonly userOps = new Map<string, Promise<void>>();
  private connectedBefore = false;
  /** Counts start-overs (see startOver), and those of them that came with a new queue. */
  private generation = 0;
  private queueGeneration = 0;
  /** Between noticing a loss and watching for the next one. */
  private recovering = false;
  private stopping = false;
  private readonly deliveries;
  private readonly startOvers;
  private readonly roomBindings;
  private readonly maxQueuedEvents: number;
  private readonly maxQueuedBytes: number;
  private readonly bindings: TopologyChannel;

  constructor(
    config: GatewayConfig,
    private readonly amqp: AmqpConnection,
    private readonly rpc: RpcClient,
    readonly directory: LocalDirectory,
    metrics: Metrics,
  ) {
    this.bindings = new TopologyChannel(amqp, 'DeliveryBindings');
    this.instanceId = config.GATEWAY_INSTANCE_ID || uuidv7();
    this.queue = gatewayQueue(this.instanceId);
    this.maxQueuedEvents = config.GATEWAY_QUEUE_MAX_EVENTS;
    this.maxQueuedBytes = config.GATEWAY_QUEUE_MAX_BYTES;
    this.deliveries = metrics.counter('happychat_gateway_deliveries_total', 'Frames pushed to sockets', [
      'kind',
    ]);
    this.startOvers = metrics.counter(
      'happychat_gateway_start_overs_total',
      'Times the gateway forgot what it knew of its sockets and had them all reconnect and resync',
      ['reason'],
    );
    this.roomBindings = metrics.gauge(
      'happychat_gateway_room_bindings',
      "Rooms whose events this gateway's queue is bound to",
    );
  }

  async onModuleInit(): Promise<void> {
    await this.amqp.onConnect((model) => this.openQueue(model));
  }

  /** The queue and its bindings die with the connection; no per-user unbinding on the way out. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  /**
   * Binds a user's events and rooms to this gateway's queue and loads their rooms. A socket's
   * first frames wait for this, so what is said from then on reaches it live and what was said
   * before comes from its resync. Serialised per user, so a connect and a disconnect of the same
   * user never interleave.
   */
  ensureAttached(userId: string): Promise<void> {
    return this.serial(this.userOps, userId, async () => {
      if (this.loaded.has(userId)) return;
      // A start-over while this runs makes what it learnt stale; its socket is being closed anyway.
      const { generation, queueGeneration } = this;
      this.removedWhileLoading.set(userId, new Set());
      try {
        if (!this.attached.has(userId)) {
          await this.bind(Exchanges.USER_EVENTS, RoutingKeys.userEvent(userId));
          // Still this connection's queue: the binding is there to be removed when they leave.
          if (queueGeneration === this.queueGeneration) this.attached.add(userId);
          if (generation !== this.generation) return;
        }
        const { roomIds, visibleFrom } = await this.rpc.request(Commands.ROOM_MEMBERSHIPS_LIST, { userId });
        if (generation !== this.generation) return;
        const removed = this.removedWhileLoading.get(userId) ?? new Set();
        const rooms = roomIds.filter((roomId) => !removed.has(roomId));
        for (const roomId of rooms) {
          this.directory.addMembership(userId, roomId);
          const from = visibleFrom?.[roomId];
          if (from) this.directory.setVisibleFrom(userId, roomId, Date.parse(from));
        }
        await Promise.all(rooms.map((roomId) => this.syncRoom(roomId)));
        if (generation !== this.generation) return;
        this.loaded.add(userId);
      } finally {
        this.removedWhileLoading.delete(userId);
      }
    });
  }

  detachIfIdle(userId: string): Promise<void> {
    return this.serial(this.userOps, userId, async () => {
      if (this.stopping || this.directory.hasUser(userId) || !this.attached.has(userId)) return;
      this.attached.delete(userId);
      this.loaded.delete(userId);
      for (const roomId of this.directory.forgetUser(userId))
        void this.syncRoom(roomId).catch(() => undefined);
      await this.unbind(Exchanges.USER_EVENTS, RoutingKeys.userEvent(userId)).catch((err: Error) => {
        if (!this.stopping) this.logger.warn(`detach ${userId}: ${err.message}`);
      });
    });
  }

  /**
   * Binds or unbinds a room so that the queue hears it exactly while some user here is in it.
   * Serialised per room and decided when it runs, so a bind and an unbind of one room never
   * cross, and the last call settles the binding to what the directory says by then.
   */
  private syncRoom(roomId: string): Promise<void> {
    return this.serial(this.roomOps, roomId, async () => {
      const wanted = this.directory.hasMembersHere(roomId);
      if (wanted === this.boundRooms.has(roomId)) return;
      const key = RoutingKeys.roomFanout(roomId);
      if (wanted) {
        const { queueGeneration } = this;
        await this.bind(Exchanges.ROOM_FANOUT, key);
        if (queueGeneration === this.queueGeneration) this.boundRooms.add(roomId);
      } else {
        this.boundRooms.delete(roomId);
        await this.unbind(Exchanges.ROOM_FANOUT, key).catch((err: Error) => {
          // Left bound, the room's events only reach a gateway with nobody here to give them to.
          if (!this.stopping) this.logger.warn(`unbind room ${roomId}: ${err.message}`);
        });
      }
      this.roomBindings.set(this.boundRooms.size);
    });
  }

  private bind(exchange: string, key: string): Promise<void> {
    return this.bindings.run(async (ch) => {
      await ch.bindQueue(this.queue, exchange, key);
    });
  }

  private unbind(exchange: string, key: string): Promise<void> {
    return this.bindings.run(async (ch) => {
      await ch.unbindQueue(this.queue, exchange, key);
    });
  }

  private async openQueue(model: ChannelModel): Promise<void> {
    const ch = await this.amqp.setupChannel(model, 'delivery');
    // Bounded: if this gateway stalls, the oldest events are dropped, and each one dropped is
    // dead-lettered to a one-message queue beside it, so the gateway learns that it lost some.
    // Exclusive, not auto-delete: both live exactly as long as this connection.
    const lost = `${this.queue}.lost`;
    await ch.assertQueue(lost, { exclusive: true, durable: false, arguments: { 'x-max-length': 1 } });
    await ch.assertQueue(this.queue, {
      exclusive: true,
      durable: false,
      arguments: {
        'x-max-length': this.maxQueuedEvents,
        'x-max-length-bytes': this.maxQueuedBytes,
        'x-overflow': 'drop-head',
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': lost,
      },
    });
    // Events published while we were cut off are gone from the broker, and the new queue has no
    // bindings yet: sockets reconnect, which binds their users and rooms to it, and resync.
    if (this.connectedBefore) this.startOver('broker_reconnected', 'broker reconnected: resync');
    await ch.consume(this.queue, (msg) => msg && this.onEvent(msg), { noAck: true });
    await ch.consume(lost, (msg) => msg && void this.onEventsLost(ch, lost), { noAck: true });
    this.connectedBefore = true;
  }

  /**
   * The queue overflowed while this gateway was behind. A dropped event may have been a
   * `user.membership.removed`, after which this gateway's cache would go on handing the room's
   * events to someone no longer in it, or the last message of a room, which no later seq would
   * reveal as missing. So nothing learnt so far is trusted: the backlog is dropped (every socket
   * it was for is being closed), and each socket reconnects, loads its rooms again and resyncs.
   */
  private async onEventsLost(ch: Channel, lost: string): Promise<void> {
    // One start-over per overflow, which drops (and reports) events one by one. Reports sent
    // before the purges below reach us before their answers (the broker keeps the order between
    // a queue and a channel), so they all land while this is still set.
    if (this.recovering) return;
    this.recovering = true;
    this.logger.warn(
      `delivery queue passed ${this.maxQueuedEvents} messages or ${this.maxQueuedBytes} bytes and dropped some: starting over`,
    );
    this.startOver('events_lost', 'events lost: resync');
    try {
      await ch.purgeQueue(this.queue);
      await ch.purgeQueue(lost);
    } catch (err) {
      // The channel died with its connection: the reconnect starts over again, with a new queue.
      this.logger.warn(`after the loss: ${(err as Error).message}`);
    } finally {
      this.recovering = false;
    }
  }

  /**
   * Forgets every room learnt and closes every socket; each loads its rooms again when it
   * reconnects. After a broker reconnect the bindings are gone too (the queue is new); after a
   * loss the users' stay, and the last socket of a user who does not come back removes them as
   * usual, while each room is unbound unless someone who comes back is in it again.
   */
  private startOver(reason: 'broker_reconnected' | 'events_lost', closeReason: string): void {
    this.startOvers.inc({ reason });
    this.generation++;
    this.held = undefined;
    if (reason === 'broker_reconnected') {
      this.queueGeneration++;
      this.attached.clear();
      this.boundRooms.clear();
      this.roomBindings.set(0);
    }
    this.loaded.clear();
    this.directory.forgetAllMemberships();
    for (const conn of this.directory.allConnections()) conn.close(WsCloseCodes.GOING_AWAY, closeReason);
    for (const roomId of this.boundRooms) void this.syncRoom(roomId).catch(() => undefined);
  }

  private onEvent(msg: ConsumeMessage): void {
    if (this.held) this.held.push(msg);
    else this.dispatch(msg);
  }

  /**
   * A user here joined a room this gateway does not hear yet. Their `user.membership.added` goes
   * to their sockets only once the room is bound, and every event behind it waits too, so the
   * room's history, which the client fetches on that frame, and its live events meet without a
   * hole: whatever RabbitMQ did not route here was published before the bind, so before the fetch.
   */
  private holdUntilBound(roomId: string, userId: string, raw: Buffer): void {
    const held: ConsumeMessage[] = [];
    this.held = held;
    this.syncRoom(roomId)
      .then(
        () => {
          if (this.held !== held) return;
          for (const conn of this.directory.connectionsOf(userId)) conn.sendRaw(raw);
          this.deliveries.inc({ kind: 'user' });
        },
        (err: Error) => {
          if (this.held !== held) return;
          // Their sockets reconnect and load their rooms again, which retries the binding.
          this.logger.warn(`bind room ${roomId}: ${err.message}`);
          for (const conn of this.directory.connectionsOf(userId))
            conn.close(WsCloseCodes.GOING_AWAY, 'temporarily unavailable: resync');
        },
      )
      .finally(() => {
        // A start-over in the meantime dropped the backlog, with every socket it was for.
        if (this.held !== held) return;
        this.held = undefined;
        for (let i = 0; i < held.length; i++) {
          if (this.held) {
            (this.held as ConsumeMessage[]).push(...held.slice(i));
            return;
          }
          this.dispatch(held[i]);
        }
      })
      .catch(() => undefined);
  }

  private dispatch(msg: ConsumeMessage): void {
    if (msg.fields.exchange === Exchanges.ROOM_FANOUT) {
      const { items, malformed } = decodeRoomFanout(msg.content);
      if (malformed > 0) this.logger.warn(`${malformed} malformed line(s) in a room events message`);
      for (const { roomId, raw } of items) this.dispatchRoomEvent(roomId, raw);
      return;
    }
    const key = msg.fields.routingKey;
    const raw = msg.content;
    const user = parseUserEventKey(key);
    if (!user) return;
    let event: DomainEvent;
    try {
      event = JSON.parse(raw.toString('utf8')) as DomainEvent;
    } catch {
      this.logger.warn(`unparseable user event on ${key}`);
      return;
    }
    // Events still queued for a user who has left this gateway change nothing here.
    const here = this.attached.has(user.userId);
    if (event.type === Events.USER_MEMBERSHIP_ADDED && here) {
      const roomId = event.room.id;
      this.directory.addMembership(user.userId, roomId);
      // Sent with the membership's join time as occurredAt.
      const hides = event.room.settings?.historyVisibility === 'joined';
      this.directory.setVisibleFrom(user.userId, roomId, hides ? Date.parse(event.occurredAt) : undefined);
      if (!this.boundRooms.has(roomId) || this.roomOps.has(roomId)) {
        this.holdUntilBound(roomId, user.userId, raw);
        return;
      }
    } else if (event.type === Events.USER_MEMBERSHIP_REMOVED && here) {
      this.directory.removeMembership(user.userId, event.roomId);
      this.removedWhileLoading.get(user.userId)?.add(event.roomId);
      if (!this.directory.hasMembersHere(event.roomId))
        void this.syncRoom(event.roomId).catch(() => undefined);
    }
    for (const conn of this.directory.connectionsOf(user.userId)) conn.sendRaw(raw);
    this.deliveries.inc({ kind: 'user' });
  }

  private dispatchRoomEvent(roomId: string, raw: Buffer): void {
    // A room that came along with another one this gateway hears.
    if (!this.directory.hasMembersHere(roomId)) return;
    // A read receipt, only for the members whose messages the read covered.
    const audience = audienceOf(raw);
    if (audience) {
      for (const userId of audience) {
        if (!this.directory.isMember(userId, roomId)) continue;
        for (const conn of this.directory.connectionsOf(userId)) conn.sendRaw(raw);
      }
      this.deliveries.inc({ kind: 'room' });
      return;
    }
    // Most events go out as they came, never decoded; read only in a room that hides older
    // history from someone here, or when the room's settings change.
    const about =
      this.directory.visibleFrom(roomId) || raw.includes(ROOM_UPDATED_MARK)
        ? this.inspectRoomEvent(roomId, raw.toString('utf8'))
        : undefined;
    // Read after inspecting: a `room.updated` may have just changed it.
    const from = this.directory.visibleFrom(roomId);
    for (const userId of this.directory.membersHere(roomId)) {
      // An event about a message from before this member joined a room that hides it.
      if (about !== undefined && (from?.get(userId) ?? -Infinity) > about) continue;
      for (const conn of this.directory.connectionsOf(userId)) conn.sendRaw(raw);
    }
    this.deliveries.inc({ kind: 'room' });
  }

  /**
   * Follows a room's history visibility from `room.updated`, and returns when (ms) the message an
   * event is about was sent (edits, deletions, reactions), or undefined for any other event.
   */
  private inspectRoomEvent(roomId: string, raw: string): number | undefined {
    let event: DomainEvent;
    try {
      event = JSON.parse(raw) as DomainEvent;
    } catch {
      return undefined;
    }
    switch (event.type) {
      case Events.ROOM_UPDATED:
        if (event.room.settings?.historyVisibility === 'joined') this.learnJoinTimes(roomId);
        else if (event.room.settings) this.directory.clearVisibleFrom(roomId);
        return undefined;
      case Events.MESSAGE_EDITED:
      case Events.MESSAGE_DELETED:
        return Date.parse(event.message.createdAt);
      case Events.MESSAGE_REACTION_CHANGED:
        // Message ids are UUIDv7: the first 48 bits are the creation time in ms.
        return parseInt(event.messageId.replace(/-/g, '').slice(0, 12), 16);
      default:
        return undefined;
    }
  }

  /** The room began hiding older history: ask for the join times of local members not yet known. */
  private learnJoinTimes(roomId: string): void {
    const known = this.directory.visibleFrom(roomId);
    for (const userId of [...this.directory.membersHere(roomId)]) {
      if (known?.has(userId)) continue;
      void this.serial(this.userOps, userId, async () => {
        if (!this.loaded.has(userId)) return;
        const { visibleFrom } = await this.rpc.request(Commands.ROOM_MEMBERSHIPS_LIST, { userId });
        const from = visibleFrom?.[roomId];
        if (from && this.directory.isMember(userId, roomId))
          this.directory.setVisibleFrom(userId, roomId, Date.parse(from));
      }).catch((err: Error) => this.logger.warn(`join times of ${userId}: ${err.message}`));
    }
  }

  private serial(ops: Map<string, Promise<void>>, key: string, op: () => Promise<void>): Promise<void> {
    const prev = ops.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(op);
    ops.set(key, next);
    void next
      .finally(() => {
        if (ops.get(key) === next) ops.delete(key);
      })
      .catch(() => undefined);
    return next;
  }
}

/** The members a receipt is for, when it names them; undefined for every other event. */
function audienceOf(raw: Buffer): string[] | undefined {
  if (
    raw.length < RECEIPT_WITH_AUDIENCE.length ||
    raw.compare(RECEIPT_WITH_AUDIENCE, 0, RECEIPT_WITH_AUDIENCE.length, 0, RECEIPT_WITH_AUDIENCE.length) !== 0
  )
    return undefined;
  try {
    const audience = (JSON.parse(raw.toString('utf8')) as { audience?: unknown }).audience;
    return Array.isArray(audience)
      ? audience.filter((id): id is string => typeof id === 'string')
      : undefined;
  } catch {
    return undefined;
  }
}

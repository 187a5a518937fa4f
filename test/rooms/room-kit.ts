import { INestApplication } from '@nestjs/common';
import { Channel, ConsumeMessage } from 'amqplib';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  AppendMessageCommand,
  Commands,
  HistoryErrorCode,
  MessageView,
  PageMessagesCommand,
  ReadSpanCommand,
  DomainEvent,
  Events,
  Exchanges,
  gatewayQueue,
  InviteLinkView,
  Queues,
  RoutingKeys,
  RoomView,
  UserRole,
} from '@app/contracts';
import { AppException, uuidv7 } from '@app/common';
import { AmqpConnection, CommandServer, RpcClient, decodeRoomFanout } from '@app/messaging';
import { startRoomService } from '../../apps/room/src';
import { createTestDatabase, createTestVhost, eventually, Isolated } from '../support/infra';
import { readSpanOf } from '../support/read-span';
import { connectRpc } from '../support/rpc';

export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
export const quiet = (ms = 200) => new Promise((r) => setTimeout(r, ms));

/**
 * A connected device as its gateway sees it: what reaches the gateway's queue for this user,
 * handed on only while the gateway believes the user is in the room.
 */
export interface InboxProbe {
  userId: string;
  events: DomainEvent[];
  types(): string[];
  waitFor(pred: (e: DomainEvent) => boolean, timeoutMs?: number): Promise<DomainEvent>;
}

/**
 * One room service (or several, sharing a database and a vhost) on real PostgreSQL and
 * RabbitMQ, driven over RPC like the gateway drives it, with probes bound the way a gateway binds
 * its queue standing in for connected users.
 */
export class RoomKit {
  db!: Isolated;
  vhost!: Isolated;
  apps: INestApplication[] = [];
  client!: { rpc: RpcClient; amqp: AmqpConnection; close(): Promise<void> };
  private probeChannel!: Channel;
  private pg?: Client;
  private historyAmqp?: AmqpConnection;
  /** What the room service asked the (stubbed) history service to append. */
  readonly appends: AppendMessageCommand[] = [];
  /** The stub's log, so a message can be looked up by id. */
  private readonly stored: MessageView[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv = {}) {}

  get app(): INestApplication {
    return this.apps[0];
  }

  get rpc(): RpcClient {
    return this.client.rpc;
  }

  async start(instances = 1, { history = true } = {}): Promise<this> {
    [this.db, this.vhost] = await Promise.all([createTestDatabase('hc_room'), createTestVhost('hc_room')]);
    if (history) await this.stubHistory();
    for (let i = 0; i < instances; i++) await this.startInstance();
    this.client = await connectRpc(this.vhost.url);
    this.probeChannel = await this.client.amqp.createChannel();
    return this;
  }

  async startInstance(extra: NodeJS.ProcessEnv = {}): Promise<INestApplication> {
    const app = await startRoomService({
      DATABASE_URL: this.db.url,
      AMQP_URL: this.vhost.url,
      HTTP_PORT: '0',
      LOG_LEVEL: 'error',
      SEND_RATE_PER_SECOND: '10000',
      SEND_BURST: '100000',
      ...this.env,
      ...extra,
    });
    this.apps.push(app);
    return app;
  }

  /** Stands in for the history service on the broker: records appends, answers plausibly. */
  private async stubHistory(): Promise<void> {
    this.historyAmqp = new AmqpConnection(this.vhost.url, 'history-stub');
    await this.historyAmqp.start();
    const server = new CommandServer(this.historyAmqp, Queues.HISTORY_COMMANDS, 8);
    let seq = 0;
    server.register(Commands.HISTORY_APPEND, async (p) => {
      const cmd = p as AppendMessageCommand;
      const original = this.stored.find(
        (m) => m.roomId === cmd.roomId && m.senderId === cmd.senderId && m.clientMsgId === cmd.clientMsgId,
      );
      if (original) return { duplicate: true, message: original };
      const duplicate = this.appends.some(
        (a) => a.senderId === cmd.senderId && a.clientMsgId === cmd.clientMsgId,
      );
      if (!duplicate) this.appends.push({ ...cmd });
      const message: MessageView = {
        id: uuidv7(),
        roomId: cmd.roomId,
        seq: ++seq,
        senderId: cmd.senderId,
        kind: cmd.kind,
        content: cmd.content,
        clientMsgId: cmd.clientMsgId,
        createdAt: new Date().toISOString(),
      };
      if (!duplicate) this.stored.push(message);
      return { duplicate, message };
    });
    // Only what the room service's lookups use: a page of one around a message of the room, the
    // newest ones, and what a read covers.
    server.register(Commands.HISTORY_PAGE, async (p) => {
      const cmd = p as PageMessagesCommand;
      const log = this.stored.filter((m) => m.roomId === cmd.roomId);
      if (cmd.aroundId === undefined)
        return { messages: log.slice(-cmd.limit), hasMore: log.length > cmd.limit };
      const found = log.find((m) => m.id === cmd.aroundId);
      if (!found) throw new AppException(HistoryErrorCode.MESSAGE_NOT_FOUND, 'No such message in this room');
      return { messages: [found], hasMore: false };
    });
    server.register(Commands.HISTORY_READ_SPAN, async (p) => {
      const cmd = p as ReadSpanCommand;
      return readSpanOf(
        this.stored.filter((m) => m.roomId === cmd.roomId),
        cmd.afterSeq,
        cmd.seq,
      );
    });
    await server.start();
  }

  async stop(): Promise<void> {
    await this.historyAmqp?.stop().catch(() => undefined);
    await this.probeChannel?.close().catch(() => undefined);
    await this.client?.close();
    await this.pg?.end().catch(() => undefined);
    for (const app of this.apps) await app.close().catch(() => undefined);
    await Promise.all([this.db?.drop(), this.vhost?.drop()]);
  }

  /** How many statements the (first) instance's pool ran while `work` ran, and its result. */
  async statementsDuring<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
    const pool = (
      this.app.get(DataSource).driver as unknown as { master: { query: (...args: unknown[]) => unknown } }
    ).master;
    const spy = jest.spyOn(pool, 'query');
    try {
      const result = await work();
      return { result, statements: spy.mock.calls.length };
    } finally {
      spy.mockRestore();
    }
  }

  /** Straight SQL on the service's database, for what the wire does not show (the outbox). */
  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    if (!this.pg) {
      this.pg = new Client({ connectionString: this.db.url });
      await this.pg.connect();
    }
    return (await this.pg.query(text, params)).rows as T[];
  }

  /**
   * Follows the gateway's rule: its queue is bound to the user's key and to each room they are
   * in; `user.membership.added` binds the room before it or anything behind it is handed on;
   * `user.membership.removed` drops the room before anything behind it is. A room event is
   * recorded only while its room is in the set, as a gateway hands it only to members it knows.
   */
  async probe(userId: string): Promise<InboxProbe> {
    const ch = this.probeChannel;
    const queue = gatewayQueue(`probe-${uuidv7()}`);
    const bind = (roomId: string) =>
      ch.bindQueue(queue, Exchanges.ROOM_FANOUT, RoutingKeys.roomFanout(roomId));
    await ch.assertQueue(queue, { exclusive: true, autoDelete: true, durable: false });
    await ch.bindQueue(queue, Exchanges.USER_EVENTS, RoutingKeys.userEvent(userId));
    const rooms = new Set((await this.rpc.request(Commands.ROOM_MEMBERSHIPS_LIST, { userId })).roomIds);
    for (const roomId of rooms) await bind(roomId);

    const events: DomainEvent[] = [];
    // Deliveries in arrival order, held while a binding is being confirmed.
    const backlog: ConsumeMessage[] = [];
    let draining = false;
    let failure: Error | undefined;
    const drain = async (): Promise<void> => {
      if (draining || failure) return;
      draining = true;
      for (let m = backlog.shift(); m; m = backlog.shift()) {
        if (m.fields.exchange === Exchanges.ROOM_FANOUT) {
          for (const { roomId, raw } of decodeRoomFanout(m.content).items)
            if (rooms.has(roomId)) events.push(JSON.parse(raw.toString('utf8')) as DomainEvent);
          continue;
        }
        const event = JSON.parse(m.content.toString('utf8')) as DomainEvent;
        if (event.type === Events.USER_MEMBERSHIP_ADDED && !rooms.has(event.room.id)) {
          await bind(event.room.id);
          rooms.add(event.room.id);
        } else if (event.type === Events.USER_MEMBERSHIP_REMOVED && rooms.delete(event.roomId)) {
          await ch.unbindQueue(queue, Exchanges.ROOM_FANOUT, RoutingKeys.roomFanout(event.roomId));
        }
        events.push(event);
      }
      draining = false;
    };
    await ch.consume(
      queue,
      (m) => {
        if (!m) return;
        backlog.push(m);
        drain().catch((err: Error) => (failure = err));
      },
      { noAck: true },
    );
    return {
      userId,
      events,
      types: () => events.map((e) => e.type),
      waitFor: async (pred, timeoutMs = 5000) =>
        (await eventually(() => {
          if (failure) throw failure;
          return events.find(pred);
        }, timeoutMs)) as DomainEvent,
    };
  }

  createRoom(actorId: string, name = 'Lobby', actorRole?: UserRole): Promise<RoomView> {
    return this.rpc.request(Commands.ROOM_CREATE, {
      actorId,
      actorName: nameOf(actorId),
      actorRole,
      kind: 'group',
      name,
    });
  }

  invite(actorId: string, roomId: string, userId: string) {
    return this.rpc.request(Commands.ROOM_INVITE, { actorId, actorName: nameOf(actorId), roomId, userId });
  }

  link(
    actorId: string,
    roomId: string,
    opts: { maxUses?: number; expiresInSeconds?: number } = {},
  ): Promise<InviteLinkView> {
    return this.rpc.request(Commands.ROOM_INVITE_LINK_CREATE, { actorId, roomId, ...opts });
  }

  join(
    actorId: string,
    roomId: string,
    opts: { inviteToken?: string; actorRole?: UserRole; alias?: string; actorName?: string } = {},
  ): Promise<RoomView> {
    const { actorName = nameOf(actorId), ...rest } = opts;
    return this.rpc.request(Commands.ROOM_JOIN, { actorId, actorName, roomId, ...rest });
  }

  /** Invite and join: the usual way into a group room. */
  async admit(ownerId: string, roomId: string, userId: string, actorName?: string): Promise<RoomView> {
    await this.invite(ownerId, roomId, userId);
    return this.join(userId, roomId, { actorName });
  }

  /** A group room with an owner, an admin and a member. */
  async cast(name = 'Cast'): Promise<{ room: RoomView; owner: string; admin: string; member: string }> {
    const [owner, admin, member] = [uuidv7(), uuidv7(), uuidv7()];
    const room = await this.createRoom(owner, name);
    await this.admit(owner, room.id, admin);
    await this.admit(owner, room.id, member);
    await this.rpc.request(Commands.ROOM_MEMBER_ROLE_SET, {
      actorId: owner,
      roomId: room.id,
      userId: admin,
      role: 'admin',
    });
    return { room, owner, admin, member };
  }
}

export function nameOf(userId: string): string {
  return `user ${userId.slice(-4)}`;
}

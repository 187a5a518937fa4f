import { Injectable, Logger } from '@nestjs/common';
import {
  BotMessageSendCommand,
  CommonErrorCode,
  ErrorPayload,
  Events,
  MemberView,
  parseRoomEventKey,
  RoomErrorCode,
} from '@app/contracts';
import { AppException } from '@app/common';
import { Delivery, EventPublisher } from '@app/messaging';
import { MessagesService } from '../messages/messages.service';
import { toMemberView } from '../rooms/rooms.mapper';
import { eventMeta, newMembership, RoomsService } from '../rooms/rooms.service';

/**
 * Integrations in rooms. Owners and admins add a bot as a member; from then on its inbox is
 * bound to the room (only bots' inboxes are), so the room's events reach the bot's queue. A bot posts by
 * publishing a command whose routing key carries its id (the broker refuses any other id); the
 * post then goes through exactly the checks a person's does (membership, mute, slow mode, rate,
 * profanity filter), and the outcome goes back to the bot's queue.
 */
@Injectable()
export class IntegrationsService {
  private readonly logger = new Logger('Integrations');

  constructor(
    private readonly rooms: RoomsService,
    private readonly messages: MessagesService,
    private readonly events: EventPublisher,
  ) {}

  async add(actorId: string, roomId: string, botId: string, botName: string): Promise<MemberView> {
    return this.rooms.change(async (tx) => {
      const room = await this.rooms.lockExisting(tx, roomId);
      await this.rooms.managerIn(tx, room, actorId);
      if (room.kind === 'direct')
        throw new AppException(RoomErrorCode.FORBIDDEN, 'Integrations cannot join direct rooms');
      if (await tx.findMembership(roomId, botId))
        throw new AppException(RoomErrorCode.ALREADY_MEMBER, 'This integration is already in the room');
      if (await tx.findBan(roomId, botId))
        throw new AppException(
          RoomErrorCode.BANNED,
          'This integration is banned from the room: unban it first',
        );
      const cap = room.memberCap ?? this.rooms.defaultCap(room.kind);
      if (room.memberCount >= cap)
        throw new AppException(RoomErrorCode.FULL, `Room is full (at most ${cap} members)`);
      const membership = { ...newMembership(roomId, botId, botName, 'member', new Date()), bot: true };
      await this.rooms.addMemberIn(tx, { ...room, memberCount: room.memberCount + 1 }, membership);
      return toMemberView(membership);
    });
  }

  async remove(actorId: string, roomId: string, botId: string): Promise<void> {
    await this.rooms.change(async (tx) => {
      const room = await this.rooms.lockExisting(tx, roomId);
      await this.rooms.managerIn(tx, room, actorId);
      await this.rooms.targetIn(tx, roomId, botId);
      await this.rooms.removeMemberIn(tx, room, botId, 'kicked', actorId);
    });
  }

  /** A revoked bot leaves every room it was in (announced as leaving; idempotent). */
  async leaveAllRooms(botId: string): Promise<void> {
    for (const { room } of await this.rooms.listForUser(botId)) {
      await this.rooms.change(async (tx) => {
        const locked = await this.rooms.lockExisting(tx, room.id);
        if (await tx.findMembership(room.id, botId))
          await this.rooms.removeMemberIn(tx, locked, botId, 'left', botId);
      });
    }
  }

  /** A bot's `bot.message.send`. Refusals are answered to the bot, never thrown at the queue. */
  async botSend(cmd: BotMessageSendCommand, delivery: Delivery): Promise<void> {
    const key = parseRoomEventKey(delivery.routingKey);
    if (!key) return; // The queue's binding admits only room.*.user.*.
    if (!UUID.test(key.roomId)) {
      await this.botInvalid(cmd, delivery, {
        message: 'The routing key must name a room id: room.<roomId>.user.<botId>',
      });
      return;
    }
    const reply = { correlationId: delivery.correlationId };
    let result;
    try {
      result = await this.messages.send({
        actorId: key.userId,
        roomId: key.roomId,
        clientMsgId: cmd.clientMsgId,
        kind: 'text',
        content: cmd.content,
        ...(cmd.replyToId ? { replyToId: cmd.replyToId } : {}),
      });
    } catch (err) {
      if (!(err instanceof AppException) || isTransient(err.code)) throw err; // retried, then dead-lettered
      await this.events.publishUserEvent(
        key.userId,
        {
          type: Events.BOT_COMMAND_FAILED,
          ...eventMeta(),
          commandType: cmd.type,
          roomId: key.roomId,
          clientMsgId: cmd.clientMsgId,
          error: err.toPayload(),
        },
        reply,
      );
      return;
    }
    await this.events.publishUserEvent(
      key.userId,
      {
        type: Events.BOT_MESSAGE_SENT,
        ...eventMeta(),
        roomId: key.roomId,
        clientMsgId: cmd.clientMsgId,
        messageId: result.message.id,
        seq: result.message.seq,
        createdAt: result.message.createdAt,
        duplicate: result.duplicate,
      },
      reply,
    );
  }

  /** A command that is not JSON, too large, or not a valid command: tell the bot why. */
  async botInvalid(
    body: unknown,
    delivery: Delivery,
    reason: { message: string; details?: unknown[] },
  ): Promise<void> {
    const key = parseRoomEventKey(delivery.routingKey);
    if (!key) return;
    const raw = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const str = (v: unknown): string | undefined =>
      typeof v === 'string' && v.length <= 200 ? v : undefined;
    const commandType = str(raw.type);
    const clientMsgId = str(raw.clientMsgId);
    await this.events.publishUserEvent(
      key.userId,
      {
        type: Events.BOT_COMMAND_FAILED,
        ...eventMeta(),
        ...(commandType ? { commandType } : {}),
        roomId: key.roomId,
        ...(clientMsgId ? { clientMsgId } : {}),
        error: {
          code: CommonErrorCode.VALIDATION_FAILED,
          message: reason.message.slice(0, 500),
          ...(reason.details ? { details: (reason.details as ErrorPayload['details'])?.slice(0, 20) } : {}),
        },
      },
      { correlationId: delivery.correlationId },
    );
    this.logger.debug(`refused a bot command on ${delivery.routingKey}: ${reason.message}`);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Worth another delivery: the outage may be over by then. */
function isTransient(code: string): boolean {
  return (
    code === CommonErrorCode.SERVICE_UNAVAILABLE ||
    code === CommonErrorCode.UPSTREAM_TIMEOUT ||
    code === CommonErrorCode.INTERNAL
  );
}

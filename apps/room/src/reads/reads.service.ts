import { Injectable, Logger } from '@nestjs/common';
import { Commands, MessageView, ReadEvents, ReadPositionView } from '@app/contracts';
import { uuidv7 } from '@app/common';
import { EventPublisher, RpcClient } from '@app/messaging';
import { RoomsService } from '../rooms/rooms.service';
import { ReadsRepository } from './reads.repository';

@Injectable()
export class ReadsService {
  private readonly logger = new Logger('Reads');

  constructor(
    private readonly repo: ReadsRepository,
    private readonly rooms: RoomsService,
    private readonly rpc: RpcClient,
    private readonly events: EventPublisher,
  ) {}

  /**
   * Members only. The position is clamped to the room's newest seq, so a client cannot mark
   * the future read and silence the room's unread count for good.
   *
   * The receipt (`room.member.read`) names its audience: the authors of the messages the read
   * covered. A client shows receipts under its user's own newest message only, so no one else's
   * view changes; sent to the whole room, a room of n members watching it made n reads and n²
   * frames per message. A read that covers more than `HistoryLimits.READ_SPAN_MAX` messages
   * announces to everyone.
   */
  async mark(actorId: string, roomId: string, seq: number): Promise<ReadPositionView> {
    const held = await this.repo.memberPosition(roomId, actorId);
    // Not a member: the room's own refusal (not found, or forbidden), unless they just joined.
    if (!held) await this.rooms.requireMember(actorId, roomId);
    const from = held?.lastReadSeq ?? 0;
    const current = (): ReadPositionView =>
      held?.updatedAt
        ? { roomId, userId: actorId, lastReadSeq: from, updatedAt: held.updatedAt.toISOString() }
        : unread(roomId, actorId);
    if (seq <= from) return current();
    const { upTo, audience } = await this.covered(actorId, roomId, from, seq);
    if (upTo <= from) return current();
    const { position, advanced } = await this.repo.advance(roomId, actorId, upTo);
    const view = toView(position);
    if (advanced) {
      const base = {
        v: 1 as const,
        occurredAt: view.updatedAt,
        roomId,
        userId: actorId,
        lastReadSeq: view.lastReadSeq,
      };
      await Promise.all([
        this.events.publishUserEvent(actorId, {
          ...base,
          type: ReadEvents.USER_READ_UPDATED,
          eventId: uuidv7(),
        }),
        // `type` and `audience` first: gateways look for them at the start of the event.
        this.events.publishRoomEvent(
          roomId,
          actorId,
          {
            type: ReadEvents.ROOM_MEMBER_READ,
            ...(audience ? { audience } : {}),
            ...base,
            eventId: uuidv7(),
          },
          {
            gateways: audience === undefined || audience.length > 0,
            // Receipts come in waves; in a room without a bot, nobody hears the topic exchange.
            integrations: held?.roomHasIntegrations !== false,
          },
        ),
      ]);
    }
    return view;
  }

  /**
   * How far a read asking for `seq` goes (never past the newest message), and whom its receipt
   * concerns: the authors of the visible messages (not notices, not deleted) after `from`, the
   * reader aside. Undefined audience: the read went beyond one span, and everyone is told.
   */
  private async covered(
    actorId: string,
    roomId: string,
    from: number,
    seq: number,
  ): Promise<{ upTo: number; audience?: string[] }> {
    const { upTo, authors } = await this.rpc.request(Commands.HISTORY_READ_SPAN, {
      roomId,
      afterSeq: from,
      seq,
    });
    if (!authors) return { upTo };
    return { upTo, audience: authors.filter((id) => id !== actorId) };
  }

  /**
   * Writing in a room marks it read up to what one wrote, on every device. No event is sent: the
   * message's own `message.created` tells the room (and the sender's devices) as much, and every
   * client moves the sender's position there itself. A failure here does not fail the send: the
   * message is stored, and the sender's next read moves the position.
   */
  async sent(message: Pick<MessageView, 'roomId' | 'senderId' | 'seq'>): Promise<void> {
    try {
      await this.repo.advanceForSender(message.roomId, message.senderId, message.seq);
    } catch (err) {
      this.logger.warn(
        `read position of ${message.senderId} in ${message.roomId}: ${(err as Error).message}`,
      );
    }
  }

  /** Every member's position (0 for those who have read nothing), for read receipts. */
  async list(actorId: string, roomId: string): Promise<ReadPositionView[]> {
    const room = await this.rooms.get(actorId, roomId);
    const memberIds = room.members.map((m) => m.userId);
    const known = new Map((await this.repo.forMembers(roomId, memberIds)).map((p) => [p.userId, p]));
    return memberIds.map((userId) => {
      const p = known.get(userId);
      return p ? toView(p) : unread(roomId, userId);
    });
  }
}

/** The position of a member who has read nothing. */
function unread(roomId: string, userId: string): ReadPositionView {
  return { roomId, userId, lastReadSeq: 0, updatedAt: new Date(0).toISOString() };
}

function toView(p: {
  roomId: string;
  userId: string;
  lastReadSeq: number;
  updatedAt: Date;
}): ReadPositionView {
  return {
    roomId: p.roomId,
    userId: p.userId,
    lastReadSeq: p.lastReadSeq,
    updatedAt: p.updatedAt.toISOString(),
  };
}

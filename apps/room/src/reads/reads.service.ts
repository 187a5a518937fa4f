import { Injectable } from '@nestjs/common';
import { Commands, MessageView, ReadEvents, ReadPositionView } from '@app/contracts';
import { uuidv7 } from '@app/common';
import { EventPublisher, RpcClient } from '@app/messaging';
import { RoomsService } from '../rooms/rooms.service';
import { ReadsRepository } from './reads.repository';

@Injectable()
export class ReadsService {
  constructor(
    private readonly repo: ReadsRepository,
    private readonly rooms: RoomsService,
    private readonly rpc: RpcClient,
    private readonly events: EventPublisher,
  ) {}

  /**
   * Members only. The position is clamped to the room's newest seq, so a client cannot mark
   * the future read and silence the room's unread count for good.
   */
  async mark(actorId: string, roomId: string, seq: number): Promise<ReadPositionView> {
    await this.rooms.requireMember(actorId, roomId);
    const newest = await this.rpc.request(Commands.HISTORY_PAGE, { roomId, limit: 1 });
    const latestSeq = newest.messages[0]?.seq ?? 0;
    const { position, advanced } = await this.repo.advance(roomId, actorId, Math.min(seq, latestSeq));
    const view = toView(position);
    if (advanced) {
      const base = {
        v: 1 as const,
        occurredAt: view.updatedAt,
        roomId,
        userId: actorId,
        lastReadSeq: view.lastReadSeq,
      };
      await this.events.publishUserEvent(actorId, {
        ...base,
        type: ReadEvents.USER_READ_UPDATED,
        eventId: uuidv7(),
      });
      await this.events.publishRoomEvent(roomId, actorId, {
        ...base,
        type: ReadEvents.ROOM_MEMBER_READ,
        eventId: uuidv7(),
      });
    }
    return view;
  }

  /**
   * Writing in a room marks it read up to what one wrote, on every device. No event is sent: the
   * message's own `message.created` tells the room (and the sender's devices) as much, and every
   * client moves the sender's position there itself.
   */
  async sent(message: Pick<MessageView, 'roomId' | 'senderId' | 'seq'>): Promise<void> {
    await this.repo.advanceForSender(message.roomId, message.senderId, message.seq);
  }

  /** Every member's position (0 for those who have read nothing), for read receipts. */
  async list(actorId: string, roomId: string): Promise<ReadPositionView[]> {
    const room = await this.rooms.get(actorId, roomId);
    const memberIds = room.members.map((m) => m.userId);
    const known = new Map((await this.repo.forMembers(roomId, memberIds)).map((p) => [p.userId, p]));
    return memberIds.map((userId) => {
      const p = known.get(userId);
      return p ? toView(p) : { roomId, userId, lastReadSeq: 0, updatedAt: new Date(0).toISOString() };
    });
  }
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

import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import {
  Commands,
  CommonErrorCode,
  ExportInfoView,
  HistoryErrorCode,
  HistoryLimits,
  Limits,
  MessageKind,
  MessagePageView,
  MessageSearchView,
  MessageView,
  ReactionsView,
  RetentionView,
  RoomErrorCode,
  RoomSummariesView,
  SendResultView,
} from '@app/contracts';
import { AppException, Metrics } from '@app/common';
import { SendRateLimiter } from './send-rate';
import { TextPolicy } from './text-policy';
import { RpcClient } from '@app/messaging';
import { MembershipEntity } from '../rooms/entities/membership.entity';
import { isManager, RoomsService } from '../rooms/rooms.service';

export interface SendMessageInput {
  actorId: string;
  roomId: string;
  clientMsgId: string;
  kind: MessageKind;
  content: string;
  replyToId?: string;
}

export interface ListMessagesInput {
  actorId: string;
  roomId: string;
  beforeSeq?: number;
  afterSeq?: number;
  aroundId?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export interface MessageRef {
  actorId: string;
  roomId: string;
  messageId: string;
}

export interface SearchInput {
  actorId: string;
  roomId?: string;
  query: string;
  limit?: number;
  beforeId?: string;
}

export interface ReplayInput {
  actorId: string;
  roomId: string;
  from: string;
  to: string;
  afterSeq?: number;
  limit?: number;
}

type SendResult = 'ok' | 'duplicate' | 'refused' | 'failed';

/** Refusals carry a context's code (`room.*`, `history.*`); `common.*` means it did not get through. */
function sendResultOf(err: unknown): SendResult {
  const code = err instanceof AppException ? err.code : CommonErrorCode.INTERNAL;
  return code.startsWith('common.') && code !== CommonErrorCode.VALIDATION_FAILED ? 'failed' : 'refused';
}

function invalid(field: string, reason: string): AppException {
  return new AppException(CommonErrorCode.VALIDATION_FAILED, `${field}: ${reason}`, [{ field, reason }]);
}

/**
 * From when a member may read a room. Every room shows its whole history today; a room setting
 * that hides history from before one joined returns `membership.joinedAt` here, and every read
 * below (pages, ranges, search, replay) then passes it on to history as `visibleFrom`.
 */
export function visibleFrom(_membership: MembershipEntity): Date | undefined {
  return undefined;
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();

/**
 * The room service decides who may read and write a room; the history service keeps the log.
 * Every message operation is checked here, then handed to history as an internal command:
 * members read and react; posting passes the room's posting rules (mute, slow mode, blocks);
 * only the author edits (history enforces it, with its edit window); the author or a moderator
 * (owner, admin) deletes; only the owner exports and sets retention.
 */
@Injectable()
export class MessagesService {
  private readonly sent: Counter<string>;

  constructor(
    private readonly rooms: RoomsService,
    private readonly rpc: RpcClient,
    private readonly text: TextPolicy,
    private readonly rate: SendRateLimiter,
    metrics: Metrics,
  ) {
    this.sent = metrics.counter('happychat_room_messages_sent_total', 'message.send commands by outcome', [
      'result',
    ]);
  }

  async send(input: SendMessageInput, correlationId?: string): Promise<SendResultView> {
    try {
      this.rate.take(input.actorId);
      const posting = await this.rooms.assertCanPost(input.actorId, input.roomId);
      const { content, effects } = this.text.apply(input.content, posting.room);
      const result = await this.rpc.request(
        Commands.HISTORY_APPEND,
        {
          roomId: input.roomId,
          senderId: input.actorId,
          clientMsgId: input.clientMsgId,
          kind: input.kind,
          content,
          ...(input.replyToId ? { replyToId: input.replyToId } : {}),
          ...(effects.length > 0 ? { effects } : {}),
        },
        { correlationId },
      );
      this.sent.inc({ result: result.duplicate ? 'duplicate' : 'ok' });
      return result;
    } catch (err) {
      this.sent.inc({ result: sendResultOf(err) });
      throw err;
    }
  }

  /** One way of paging per request: a seq cursor, a message to centre on, or a date window. */
  async list(input: ListMessagesInput, correlationId?: string): Promise<MessagePageView> {
    const ways = [input.beforeSeq, input.afterSeq, input.aroundId].filter((v) => v !== undefined).length;
    const dated = input.from !== undefined || input.to !== undefined;
    if (ways > 1 || (dated && (input.beforeSeq !== undefined || input.aroundId !== undefined))) {
      throw new AppException(
        CommonErrorCode.VALIDATION_FAILED,
        'Page one way: beforeSeq, afterSeq, aroundId, or from/to (with afterSeq to continue)',
        [{ field: 'afterSeq', reason: 'cannot be combined with the other cursor given' }],
      );
    }
    if (dated && (input.from === undefined || input.to === undefined)) {
      throw invalid(input.from === undefined ? 'from' : 'to', 'from and to go together');
    }
    const membership = await this.rooms.requireMember(input.actorId, input.roomId);
    const limit = input.limit ?? Limits.PAGE_DEFAULT;
    const common = {
      roomId: input.roomId,
      viewerId: input.actorId,
      visibleFrom: iso(visibleFrom(membership)),
    };
    if (dated) {
      return this.rpc.request(
        Commands.HISTORY_RANGE,
        {
          ...common,
          from: input.from as string,
          to: input.to as string,
          afterSeq: input.afterSeq,
          limit,
          includeDeleted: true,
        },
        { correlationId },
      );
    }
    return this.rpc.request(
      Commands.HISTORY_PAGE,
      { ...common, beforeSeq: input.beforeSeq, afterSeq: input.afterSeq, aroundId: input.aroundId, limit },
      { correlationId },
    );
  }

  /** Members only; history lets the author alone edit, within its edit window. */
  async edit(input: MessageRef & { content: string }, correlationId?: string): Promise<MessageView> {
    const { room } = await this.rooms.get(input.actorId, input.roomId);
    // An edit passes the same filter as a send; effects belong to the original message.
    const { content } = this.text.apply(input.content, room);
    return this.rpc.request(
      Commands.HISTORY_EDIT,
      { roomId: input.roomId, messageId: input.messageId, actorId: input.actorId, content },
      { correlationId },
    );
  }

  /**
   * The author, or a moderator (owner or admin). A moderator removing someone else's message is
   * recorded in the room's audit log and announced, like every moderation action.
   */
  async delete(input: MessageRef, correlationId?: string): Promise<MessageView> {
    const membership = await this.rooms.requireMember(input.actorId, input.roomId);
    const moderator = isManager(membership.role);
    let before: MessageView | undefined;
    if (moderator) {
      // Who wrote it and whether it is already gone decide the audit entry; an unknown id is
      // left for history.delete to refuse with its own code.
      const page = await this.rpc
        .request(
          Commands.HISTORY_PAGE,
          { roomId: input.roomId, aroundId: input.messageId, limit: 1 },
          { correlationId },
        )
        .catch((err: unknown) => {
          if (err instanceof AppException && err.code === HistoryErrorCode.MESSAGE_NOT_FOUND)
            return undefined;
          throw err;
        });
      before = page?.messages[0];
    }
    const tombstone = await this.rpc.request(
      Commands.HISTORY_DELETE,
      { roomId: input.roomId, messageId: input.messageId, actorId: input.actorId, moderator },
      { correlationId },
    );
    if (before && !before.deletedAt && before.senderId !== input.actorId) {
      await this.rooms.recordMessageDeletion(input.actorId, input.roomId, input.messageId, before.senderId);
    }
    return tombstone;
  }

  async react(
    input: MessageRef & { emoji: string; add: boolean },
    correlationId?: string,
  ): Promise<ReactionsView> {
    await this.rooms.requireMember(input.actorId, input.roomId);
    const payload = {
      roomId: input.roomId,
      messageId: input.messageId,
      userId: input.actorId,
      emoji: input.emoji,
    };
    return input.add
      ? this.rpc.request(Commands.HISTORY_REACTION_ADD, payload, { correlationId })
      : this.rpc.request(Commands.HISTORY_REACTION_REMOVE, payload, { correlationId });
  }

  /**
   * One room (members only), or every room the actor is in: the most recently joined
   * SEARCH_ROOMS_MAX of them. Each room is searched only from when the actor may read it.
   */
  async search(input: SearchInput, correlationId?: string): Promise<MessageSearchView> {
    let rooms: Array<{ roomId: string; visibleFrom?: string }>;
    if (input.roomId) {
      const membership = await this.rooms.requireMember(input.actorId, input.roomId);
      rooms = [{ roomId: input.roomId, visibleFrom: iso(visibleFrom(membership)) }];
    } else {
      const mine = await this.rooms.listForUser(input.actorId);
      rooms = mine
        .slice(0, HistoryLimits.SEARCH_ROOMS_MAX)
        .map(({ membership }) => ({ roomId: membership.roomId, visibleFrom: iso(visibleFrom(membership)) }));
    }
    if (rooms.length === 0) return { messages: [], hasMore: false };
    return this.rpc.request(
      Commands.HISTORY_SEARCH,
      {
        rooms: rooms.map((r) => (r.visibleFrom ? r : { roomId: r.roomId })),
        query: input.query,
        limit: input.limit ?? HistoryLimits.SEARCH_PAGE_DEFAULT,
        beforeId: input.beforeId,
        viewerId: input.actorId,
      },
      { correlationId },
    );
  }

  /** Every room of the actor, in batches of SUMMARY_ROOMS_MAX (one history query per batch). */
  async summary(actorId: string, correlationId?: string): Promise<RoomSummariesView> {
    const roomIds = await this.rooms.listRoomIds(actorId);
    const batches: string[][] = [];
    for (let i = 0; i < roomIds.length; i += HistoryLimits.SUMMARY_ROOMS_MAX)
      batches.push(roomIds.slice(i, i + HistoryLimits.SUMMARY_ROOMS_MAX));
    const answers = await Promise.all(
      batches.map((ids) => this.rpc.request(Commands.HISTORY_SUMMARY, { roomIds: ids }, { correlationId })),
    );
    return { rooms: answers.flatMap((a) => a.rooms) };
  }

  async replay(input: ReplayInput, correlationId?: string): Promise<MessagePageView> {
    const membership = await this.rooms.requireMember(input.actorId, input.roomId);
    return this.rpc.request(
      Commands.HISTORY_RANGE,
      {
        roomId: input.roomId,
        from: input.from,
        to: input.to,
        afterSeq: input.afterSeq,
        limit: input.limit ?? HistoryLimits.RANGE_PAGE_DEFAULT,
        includeDeleted: false,
        viewerId: input.actorId,
        visibleFrom: iso(visibleFrom(membership)),
      },
      { correlationId },
    );
  }

  async beginExport(actorId: string, roomId: string): Promise<ExportInfoView> {
    const { room, membership } = await this.rooms.get(actorId, roomId);
    this.requireOwner(membership, 'export this room');
    return { roomId: room.id, roomName: room.name, creatorId: room.ownerId };
  }

  /** Ownership is checked again for every page: losing it stops an export in progress. */
  async exportPage(
    input: { actorId: string; roomId: string; afterSeq: number; limit?: number },
    correlationId?: string,
  ): Promise<MessagePageView> {
    this.requireOwner(await this.rooms.requireMember(input.actorId, input.roomId), 'export this room');
    return this.rpc.request(
      Commands.HISTORY_EXPORT_PAGE,
      {
        roomId: input.roomId,
        afterSeq: input.afterSeq,
        limit: input.limit ?? HistoryLimits.EXPORT_PAGE_MAX,
      },
      { correlationId },
    );
  }

  async getRetention(actorId: string, roomId: string): Promise<RetentionView> {
    await this.rooms.requireMember(actorId, roomId);
    return this.rpc.request(Commands.HISTORY_RETENTION_GET, { roomId });
  }

  async setRetention(actorId: string, roomId: string, days: number | null): Promise<RetentionView> {
    this.requireOwner(
      await this.rooms.requireMember(actorId, roomId),
      'change how long this room keeps messages',
    );
    return this.rpc.request(Commands.HISTORY_RETENTION_SET, { roomId, days });
  }

  private requireOwner(membership: MembershipEntity, what: string): void {
    if (membership.role !== 'owner') {
      throw new AppException(RoomErrorCode.FORBIDDEN, `Only the room's owner can ${what}`);
    }
  }
}

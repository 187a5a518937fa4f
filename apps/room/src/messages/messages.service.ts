import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import {
  AttachmentRecord,
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
import { RoomEntity } from '../rooms/entities/room.entity';
import { isManager, RoomsService } from '../rooms/rooms.service';
import { PushService } from '../push/push.service';
import { AttachmentsService } from '../attachments/attachments.service';
import { ReadsService } from '../reads/reads.service';

export interface SendMessageInput {
  actorId: string;
  roomId: string;
  clientMsgId: string;
  kind: MessageKind;
  content: string;
  replyToId?: string;
  /** kind `image`: uploaded attachments of the sender in this room. */
  attachmentIds?: string[];
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
 * From when a member may read a room: a room set to `historyVisibility: 'joined'` shows a member
 * only what was said since their latest join (leaving deletes the membership, so a rejoin starts
 * again from the new join). Every read below (pages, ranges, search, replay, the room list's
 * preview, and every operation naming a message by id) goes through here; only the owner's
 * export reads the whole log.
 */
export function visibleFrom(
  membership: Pick<MembershipEntity, 'joinedAt'>,
  room: Pick<RoomEntity, 'historyVisibility'>,
): Date | undefined {
  return room.historyVisibility === 'joined' ? membership.joinedAt : undefined;
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
    private readonly push: PushService,
    private readonly attachments: AttachmentsService,
    private readonly reads: ReadsService,
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
      if (input.replyToId)
        await this.assertVisible(
          input.roomId,
          input.replyToId,
          visibleFrom(posting, posting.room),
          correlationId,
        );
      const { content, effects } = this.text.apply(input.content, posting.room);
      const claim = await this.claimAttachments(input);
      const result = await this.rpc
        .request(
          Commands.HISTORY_APPEND,
          {
            roomId: input.roomId,
            senderId: input.actorId,
            clientMsgId: input.clientMsgId,
            kind: input.kind,
            content,
            ...(input.replyToId ? { replyToId: input.replyToId } : {}),
            ...(effects.length > 0 ? { effects } : {}),
            ...(claim ? { attachments: claim.records } : {}),
            roomHasIntegrations: posting.roomHasIntegrations,
          },
          { correlationId },
        )
        .catch(async (err: unknown) => {
          // A refusal stored nothing: the images are free again. After a timeout the message
          // may have been stored, so the claim stays for the client's retry (same clientMsgId).
          if (claim && sendResultOf(err) === 'refused') {
            await this.attachments.release(input.actorId, input.clientMsgId, claim.newlyClaimed);
          }
          throw err;
        });
      // Before the ack, so that a sender's other devices loading the room after it count nothing
      // up to here as unread. Repeated for a retry: the first time may have been lost with the
      // crash that made it a retry.
      await this.reads.sent(result.message);
      this.sent.inc({ result: result.duplicate ? 'duplicate' : 'ok' });
      // A retry was pushed the first time (or lost with the crash that made it a retry).
      if (!result.duplicate) this.push.messageCreated(result.message, posting.room, posting.displayName);
      return result;
    } catch (err) {
      this.sent.inc({ result: sendResultOf(err) });
      throw err;
    }
  }

  /**
   * Text needs words and no images; an image message needs images (its caption may be empty).
   * The images are claimed for this message before it is stored, all or none.
   */
  private async claimAttachments(
    input: SendMessageInput,
  ): Promise<{ records: AttachmentRecord[]; newlyClaimed: string[] } | undefined> {
    const ids = input.attachmentIds ?? [];
    if (input.kind !== 'image') {
      if (ids.length > 0) throw invalid('attachmentIds', 'only image messages carry attachments');
      if (!/\S/.test(input.content)) throw invalid('content', 'must not be blank');
      return undefined;
    }
    if (ids.length === 0) throw invalid('attachmentIds', 'an image message needs at least one image');
    return this.attachments.claim(input.roomId, input.actorId, input.clientMsgId, ids);
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
    const reader = await this.rooms.requireReader(input.actorId, input.roomId);
    const limit = input.limit ?? Limits.PAGE_DEFAULT;
    const common = {
      roomId: input.roomId,
      viewerId: input.actorId,
      visibleFrom: iso(visibleFrom(reader, reader.room)),
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
    const { room, membership } = await this.rooms.get(input.actorId, input.roomId);
    await this.assertVisible(input.roomId, input.messageId, visibleFrom(membership, room), correlationId);
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
    const membership = await this.rooms.requireReader(input.actorId, input.roomId);
    await this.assertVisible(
      input.roomId,
      input.messageId,
      visibleFrom(membership, membership.room),
      correlationId,
    );
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
    if (tombstone.kind === 'image') {
      await this.attachments.deleteForMessage(input.roomId, tombstone.senderId, tombstone.clientMsgId);
    }
    if (before && !before.deletedAt && before.senderId !== input.actorId) {
      await this.rooms.recordMessageDeletion(input.actorId, input.roomId, input.messageId, before.senderId);
    }
    return tombstone;
  }

  async react(
    input: MessageRef & { emoji: string; add: boolean },
    correlationId?: string,
  ): Promise<ReactionsView> {
    const reader = await this.rooms.requireReader(input.actorId, input.roomId);
    await this.assertVisible(input.roomId, input.messageId, visibleFrom(reader, reader.room), correlationId);
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
      const reader = await this.rooms.requireReader(input.actorId, input.roomId);
      rooms = [{ roomId: input.roomId, visibleFrom: iso(visibleFrom(reader, reader.room)) }];
    } else {
      const mine = await this.rooms.listForUser(input.actorId);
      rooms = mine.slice(0, HistoryLimits.SEARCH_ROOMS_MAX).map(({ membership, room }) => ({
        roomId: membership.roomId,
        visibleFrom: iso(visibleFrom(membership, room)),
      }));
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

  /**
   * Every room of the actor, in batches of SUMMARY_ROOMS_MAX (one history query per batch). The
   * preview is dropped when it is older than the actor may read: it is the newest live message,
   * and seq rises with time, so then nothing live is visible to them. (Their unread count starts
   * at their join: see RoomsService.join.)
   */
  async summary(actorId: string, correlationId?: string): Promise<RoomSummariesView> {
    const mine = (await this.rooms.listForUser(actorId)).reverse();
    const from = new Map(mine.map(({ membership, room }) => [room.id, visibleFrom(membership, room)]));
    const roomIds = mine.map(({ room }) => room.id);
    const batches: string[][] = [];
    for (let i = 0; i < roomIds.length; i += HistoryLimits.SUMMARY_ROOMS_MAX)
      batches.push(roomIds.slice(i, i + HistoryLimits.SUMMARY_ROOMS_MAX));
    const answers = await Promise.all(
      batches.map((ids) => this.rpc.request(Commands.HISTORY_SUMMARY, { roomIds: ids }, { correlationId })),
    );
    return {
      rooms: answers
        .flatMap((a) => a.rooms)
        .map((summary) => {
          const since = from.get(summary.roomId);
          if (!since || !summary.lastMessage || new Date(summary.lastMessage.createdAt) >= since)
            return summary;
          const { lastMessage: _hidden, ...rest } = summary;
          return rest;
        }),
    };
  }

  async replay(input: ReplayInput, correlationId?: string): Promise<MessagePageView> {
    const reader = await this.rooms.requireReader(input.actorId, input.roomId);
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
        visibleFrom: iso(visibleFrom(reader, reader.room)),
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

  /**
   * A message named by id must be one the actor may read: one from before their join is
   * `history.message_not_found`, as if it did not exist. One page lookup, only in rooms that
   * hide history.
   */
  private async assertVisible(
    roomId: string,
    messageId: string,
    since: Date | undefined,
    correlationId?: string,
  ): Promise<void> {
    if (since) await this.readableMessage(roomId, messageId, since, correlationId);
  }

  /**
   * A message of the room, as one who may read from `since` sees it;
   * `history.message_not_found` for an id from another room or from before `since`.
   */
  async readableMessage(
    roomId: string,
    messageId: string,
    since: Date | undefined,
    correlationId?: string,
  ): Promise<MessageView> {
    const page = await this.rpc.request(
      Commands.HISTORY_PAGE,
      { roomId, aroundId: messageId, limit: 1, ...(since ? { visibleFrom: since.toISOString() } : {}) },
      { correlationId },
    );
    const message = page.messages.find((m) => m.id === messageId);
    if (!message) throw new AppException(HistoryErrorCode.MESSAGE_NOT_FOUND, 'No such message in this room');
    return message;
  }

  private requireOwner(membership: MembershipEntity, what: string): void {
    if (membership.role !== 'owner') {
      throw new AppException(RoomErrorCode.FORBIDDEN, `Only the room's owner can ${what}`);
    }
  }
}

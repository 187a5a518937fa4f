import { Inject, Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import {
  Events,
  MessageCreatedEvent,
  MessageDeletedEvent,
  MessageEditedEvent,
  MessageReactionChangedEvent,
  MessageView,
} from '@app/contracts';
import { Metrics, TurnBatch, uuidv7 } from '@app/common';
import { EventPublisher, RoomEventOptions } from '@app/messaging';
import { HistoryConfig } from '../history.config';
import { toMessageView } from './messages.mapper';
import {
  AppendInput,
  AppendResult,
  DeleteInput,
  DeleteResult,
  EditResult,
  ExportQuery,
  HISTORY_STORE,
  HistoryStore,
  MessagePage,
  PageQuery,
  RangeQuery,
  ReactionInput,
  ReactionResult,
  ReadSpan,
  ReadSpanQuery,
  RoomSummary,
  SearchPage,
  SearchQuery,
  StoredMessage,
} from './store/history-store';

export interface EditRequest {
  roomId: string;
  messageId: string;
  actorId: string;
  content: string;
}

const meta = (at: Date) => ({ v: 1 as const, eventId: uuidv7(), occurredAt: at.toISOString() });

/**
 * The log's rules live in the store; this service adds what happens around them: every change is
 * announced to the room after it committed (room.<roomId>.user.<actorId>), and appends are
 * counted and timed. A repeat of a change (a duplicate append, a second delete, a reaction
 * already there) is announced again: the first attempt may have committed and died before
 * publishing, and receivers treat these events as state, deduped by message id.
 */
@Injectable()
export class MessagesService {
  private readonly appends: Counter<string>;
  private readonly appendSeconds: Histogram<string>;

  constructor(
    @Inject(HISTORY_STORE) private readonly store: HistoryStore,
    private readonly events: EventPublisher,
    metrics: Metrics,
    private readonly config: HistoryConfig,
  ) {
    this.appends = metrics.counter('happychat_history_appends_total', 'Appends by outcome', ['result']);
    this.appendSeconds = metrics.histogram(
      'happychat_history_append_seconds',
      'Append latency: store and publish',
    );
  }

  /**
   * Store, then announce. If publishing fails the caller gets an error and retries with the same
   * clientMsgId, which lands here as a duplicate.
   */
  async append(input: AppendInput, announce: RoomEventOptions = {}): Promise<AppendResult> {
    const stopTimer = this.appendSeconds.startTimer();
    let result: AppendResult;
    try {
      result = await this.store.append(input);
      await this.events.publishRoomEvent(
        result.message.roomId,
        result.message.senderId,
        this.createdEvent(result),
        announce,
      );
    } catch (err) {
      this.appends.inc({ result: 'error' });
      throw err;
    } finally {
      stopTimer();
    }
    this.appends.inc({ result: result.duplicate ? 'duplicate' : 'stored' });
    return result;
  }

  page(query: PageQuery): Promise<MessagePage> {
    return this.store.page(query);
  }

  range(query: RangeQuery): Promise<MessagePage> {
    return this.store.range(query);
  }

  /** The edit window is the history service's setting (MESSAGE_EDIT_WINDOW_SECONDS). */
  async edit(input: EditRequest): Promise<EditResult> {
    const result = await this.store.edit({
      ...input,
      windowSeconds: this.config.MESSAGE_EDIT_WINDOW_SECONDS,
    });
    const { message } = result;
    if (message.editedAt) {
      const event: MessageEditedEvent = {
        type: Events.MESSAGE_EDITED,
        ...meta(message.editedAt),
        message: this.forEveryone(message),
      };
      await this.events.publishRoomEvent(message.roomId, input.actorId, event);
    }
    return result;
  }

  async delete(input: DeleteInput): Promise<DeleteResult> {
    const result = await this.store.delete(input);
    const { message } = result;
    const event: MessageDeletedEvent = {
      type: Events.MESSAGE_DELETED,
      ...meta(message.deletedAt ?? new Date()),
      message: toMessageView(message),
      deletedBy: input.actorId.toLowerCase(),
    };
    await this.events.publishRoomEvent(message.roomId, input.actorId, event);
    return result;
  }

  addReaction(input: ReactionInput): Promise<ReactionResult> {
    return this.react(input, 'added', () => this.store.addReaction(input));
  }

  removeReaction(input: ReactionInput): Promise<ReactionResult> {
    return this.react(input, 'removed', () => this.store.removeReaction(input));
  }

  summary(roomIds: string[]): Promise<RoomSummary[]> {
    return this.store.summary(roomIds);
  }

  /** Every read that moves a position asks this; the reads of one turn share one query. */
  readSpan(query: ReadSpanQuery): Promise<ReadSpan> {
    return this.spans.ask(query);
  }

  private readonly spans = new TurnBatch<ReadSpanQuery, ReadSpan>((asked) => this.store.readSpans(asked));

  search(query: SearchQuery): Promise<SearchPage> {
    return this.store.search(query);
  }

  exportPage(query: ExportQuery): Promise<MessagePage> {
    return this.store.exportPage(query);
  }

  getRetention(roomId: string): Promise<number | null> {
    return this.store.getRetention(roomId);
  }

  async setRetention(roomId: string, days: number | null): Promise<number | null> {
    await this.store.setRetention(roomId, days);
    return this.store.getRetention(roomId);
  }

  private async react(
    input: ReactionInput,
    op: 'added' | 'removed',
    change: () => Promise<ReactionResult>,
  ): Promise<ReactionResult> {
    const result = await change();
    const event: MessageReactionChangedEvent = {
      type: Events.MESSAGE_REACTION_CHANGED,
      ...meta(new Date()),
      roomId: input.roomId.toLowerCase(),
      messageId: input.messageId.toLowerCase(),
      userId: input.userId.toLowerCase(),
      emoji: input.emoji,
      op,
      reactions: result.reactions.map(({ emoji, count }) => ({ emoji, count })),
    };
    await this.events.publishRoomEvent(event.roomId, event.userId, event);
    return result;
  }

  /** Events go to every member: `me` belongs to one viewer, so it is cleared. */
  private forEveryone(message: StoredMessage): MessageView {
    const view = toMessageView(message);
    if (view.reactions) view.reactions = view.reactions.map((r) => ({ ...r, me: false }));
    return view;
  }

  private createdEvent({ message }: AppendResult): MessageCreatedEvent {
    return {
      type: Events.MESSAGE_CREATED,
      v: 1,
      eventId: uuidv7(),
      occurredAt: message.createdAt.toISOString(),
      message: this.forEveryone(message),
    };
  }
}

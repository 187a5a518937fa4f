import { Inject, Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { Events, MessageCreatedEvent } from '@app/contracts';
import { Metrics, uuidv7 } from '@app/common';
import { EventPublisher } from '@app/messaging';
import { toMessageView } from './messages.mapper';
import {
  AppendInput,
  AppendResult,
  HISTORY_STORE,
  HistoryStore,
  MessagePage,
  PageQuery,
} from './store/history-store';

@Injectable()
export class MessagesService {
  private readonly appends: Counter<string>;
  private readonly appendSeconds: Histogram<string>;

  constructor(
    @Inject(HISTORY_STORE) private readonly store: HistoryStore,
    private readonly events: EventPublisher,
    metrics: Metrics,
  ) {
    this.appends = metrics.counter('happychat_history_appends_total', 'Appends by outcome', ['result']);
    this.appendSeconds = metrics.histogram(
      'happychat_history_append_seconds',
      'Append latency: store and publish',
    );
  }

  /**
   * Store, then announce. A duplicate is announced again: the first attempt may have committed
   * and died before publishing, and this retry is then the only way the room hears of it.
   * Receivers dedupe by message id. If publishing fails the caller gets an error and retries
   * with the same clientMsgId, which lands here as a duplicate.
   */
  async append(input: AppendInput): Promise<AppendResult> {
    const stopTimer = this.appendSeconds.startTimer();
    let result: AppendResult;
    try {
      result = await this.store.append(input);
      await this.events.publishRoomEvent(
        result.message.roomId,
        result.message.senderId,
        this.createdEvent(result),
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

  async page(query: PageQuery): Promise<MessagePage> {
    return this.store.page(query);
  }

  private createdEvent({ message }: AppendResult): MessageCreatedEvent {
    return {
      type: Events.MESSAGE_CREATED,
      v: 1,
      eventId: uuidv7(),
      occurredAt: message.createdAt.toISOString(),
      message: toMessageView(message),
    };
  }
}

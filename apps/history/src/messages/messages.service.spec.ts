import { AppException, Metrics } from '@app/common';
import { DomainEvent, Events, HistoryErrorCode } from '@app/contracts';
import { EventPublisher } from '@app/messaging';
import { MessagesService } from './messages.service';
import { AppendInput, AppendResult, HistoryStore, StoredMessage } from './store/history-store';

const message: StoredMessage = {
  id: '0190f5c2-7c1a-7000-8000-00000000aaaa',
  roomId: '0190f5c2-7c1a-7000-8000-000000000001',
  seq: 7,
  senderId: '0190f5c2-7c1a-7000-8000-000000000002',
  kind: 'text',
  content: 'hi 👋',
  clientMsgId: 'c-1',
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
};
const input: AppendInput = {
  roomId: message.roomId,
  senderId: message.senderId,
  clientMsgId: message.clientMsgId,
  kind: 'text',
  content: message.content,
};

class StubStore implements HistoryStore {
  readonly name = 'postgres' as const;
  next: () => Promise<AppendResult> = async () => ({ message, duplicate: false });
  append = jest.fn((_input: AppendInput) => this.next());
  page = jest.fn(async () => ({ messages: [message], hasMore: false }));
  latestSeq = jest.fn(async () => 7);
  ping = jest.fn(async () => true);
}

class StubPublisher {
  published: Array<{ roomId: string; actorId: string; event: DomainEvent }> = [];
  fail = false;
  async publishRoomEvent(roomId: string, actorId: string, event: DomainEvent): Promise<void> {
    if (this.fail) throw new Error('broker down');
    this.published.push({ roomId, actorId, event });
  }
}

describe('MessagesService', () => {
  let store: StubStore;
  let publisher: StubPublisher;
  let metrics: Metrics;
  let service: MessagesService;

  beforeEach(() => {
    store = new StubStore();
    publisher = new StubPublisher();
    metrics = new Metrics();
    service = new MessagesService(store, publisher as unknown as EventPublisher, metrics);
  });

  const count = async (result: string): Promise<number> => {
    const metric = await metrics.registry.getSingleMetric('happychat_history_appends_total')?.get();
    return metric?.values.find((v) => v.labels.result === result)?.value ?? 0;
  };

  it('stores, then publishes message.created to the room keyed by the sender, then returns', async () => {
    await expect(service.append(input)).resolves.toEqual({ message, duplicate: false });
    expect(store.append).toHaveBeenCalledWith(input);
    expect(publisher.published).toEqual([
      {
        roomId: message.roomId,
        actorId: message.senderId,
        event: {
          type: Events.MESSAGE_CREATED,
          v: 1,
          eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          occurredAt: '2026-01-02T03:04:05.678Z',
          message: { ...message, createdAt: '2026-01-02T03:04:05.678Z' },
        },
      },
    ]);
    expect(await count('stored')).toBe(1);
  });

  it('publishes again for a duplicate, with a fresh event id', async () => {
    await service.append(input);
    store.next = async () => ({ message, duplicate: true });
    await expect(service.append(input)).resolves.toEqual({ message, duplicate: true });
    expect(publisher.published).toHaveLength(2);
    expect(publisher.published[1].event).toMatchObject({ message: { id: message.id } });
    expect(publisher.published[1].event.eventId).not.toBe(publisher.published[0].event.eventId);
    expect(await count('duplicate')).toBe(1);
  });

  it('publishes nothing when the store refuses, and counts an error', async () => {
    store.next = async () => {
      throw new AppException(HistoryErrorCode.IDEMPOTENCY_CONFLICT, 'conflict');
    };
    await expect(service.append(input)).rejects.toMatchObject({
      code: HistoryErrorCode.IDEMPOTENCY_CONFLICT,
    });
    expect(publisher.published).toHaveLength(0);
    expect(await count('error')).toBe(1);
  });

  it('fails the append when the event cannot be published, so the caller retries (and lands on a duplicate)', async () => {
    publisher.fail = true;
    await expect(service.append(input)).rejects.toThrow('broker down');
    expect(await count('error')).toBe(1);
    expect(await count('stored')).toBe(0);
  });

  it('times every append', async () => {
    await service.append(input);
    const histogram = await metrics.registry.getSingleMetric('happychat_history_append_seconds')?.get();
    expect(
      (histogram?.values as Array<{ metricName?: string; value: number }> | undefined)?.find(
        (v) => v.metricName === 'happychat_history_append_seconds_count',
      )?.value,
    ).toBe(1);
  });

  it('pages straight from the store', async () => {
    await expect(service.page({ roomId: message.roomId, limit: 10 })).resolves.toEqual({
      messages: [message],
      hasMore: false,
    });
    expect(store.page).toHaveBeenCalledWith({ roomId: message.roomId, limit: 10 });
  });
});

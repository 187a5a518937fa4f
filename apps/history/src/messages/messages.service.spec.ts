import { AppException, Metrics } from '@app/common';
import { DomainEvent, Events, HistoryErrorCode } from '@app/contracts';
import { EventPublisher } from '@app/messaging';
import { MessagesService } from './messages.service';
import { loadConfig } from '@app/common';
import { HistoryConfig } from '../history.config';
import { toMessageView } from './messages.mapper';
import { AppendInput, AppendResult, EditInput, HistoryStore, StoredMessage } from './store/history-store';

const message: StoredMessage = {
  id: '0190f5c2-7c1a-7000-8000-00000000aaaa',
  roomId: '0190f5c2-7c1a-7000-8000-000000000001',
  seq: 7,
  senderId: '0190f5c2-7c1a-7000-8000-000000000002',
  kind: 'text',
  content: 'hi 👋',
  clientMsgId: 'c-1',
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  attachments: [],
  editedAt: null,
  deletedAt: null,
  replyToId: null,
  effects: [],
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
  range = jest.fn(async () => ({ messages: [message], hasMore: false }));
  edit = jest.fn(async (input: EditInput) => ({
    message: { ...message, content: input.content, editedAt: new Date('2026-01-02T03:05:00.000Z') },
    changed: true,
  }));
  delete = jest.fn(async () => ({
    message: { ...message, content: '', deletedAt: new Date('2026-01-02T03:06:00.000Z'), reactions: [] },
    changed: true,
  }));
  addReaction = jest.fn(async () => ({ reactions: [{ emoji: '👍', count: 2, me: true }], changed: true }));
  removeReaction = jest.fn(async () => ({ reactions: [], changed: false }));
  summary = jest.fn(async () => []);
  readSpans = jest.fn(async () => []);
  search = jest.fn(async () => ({ messages: [], hasMore: false }));
  exportPage = jest.fn(async () => ({ messages: [], hasMore: false }));
  getRetention = jest.fn(async () => null);
  setRetention = jest.fn(async () => undefined);
  purgeExpired = jest.fn(async () => ({ ran: true, deleted: 0 }));
  mergeSearchIndex = jest.fn(async () => 0);
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
    service = new MessagesService(
      store,
      publisher as unknown as EventPublisher,
      metrics,
      loadConfig(HistoryConfig, { MESSAGE_EDIT_WINDOW_SECONDS: '60' }),
    );
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
          message: toMessageView(message),
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

  it('edits with the configured window, then announces message.edited to the room keyed by the editor', async () => {
    const editor = message.senderId;
    const { message: edited } = await service.edit({
      roomId: message.roomId,
      messageId: message.id,
      actorId: editor,
      content: 'fixed',
    });
    expect(store.edit).toHaveBeenCalledWith(expect.objectContaining({ content: 'fixed', windowSeconds: 60 }));
    expect(publisher.published).toEqual([
      {
        roomId: message.roomId,
        actorId: editor,
        event: expect.objectContaining({
          type: Events.MESSAGE_EDITED,
          occurredAt: '2026-01-02T03:05:00.000Z',
          message: toMessageView(edited),
        }),
      },
    ]);
  });

  it('announces a delete with who deleted it', async () => {
    const moderator = '0190f5c2-7c1a-7000-8000-0000000000ff';
    await service.delete({
      roomId: message.roomId,
      messageId: message.id,
      actorId: moderator,
      moderator: true,
    });
    expect(publisher.published[0]).toMatchObject({
      actorId: moderator,
      event: {
        type: Events.MESSAGE_DELETED,
        deletedBy: moderator,
        message: { content: '', deletedAt: expect.any(String) },
      },
    });
  });

  it('announces reaction changes with the counts after them, without anyone\'s "me"', async () => {
    const input = { roomId: message.roomId, messageId: message.id, userId: message.senderId, emoji: '👍' };
    await expect(service.addReaction(input)).resolves.toEqual({
      reactions: [{ emoji: '👍', count: 2, me: true }],
      changed: true,
    });
    expect(publisher.published[0].event).toMatchObject({
      type: Events.MESSAGE_REACTION_CHANGED,
      op: 'added',
      emoji: '👍',
      userId: message.senderId,
      reactions: [{ emoji: '👍', count: 2 }],
    });
    expect(JSON.stringify(publisher.published[0].event)).not.toContain('"me"');
    await service.removeReaction(input);
    expect(publisher.published[1].event).toMatchObject({ op: 'removed', reactions: [] });
  });
});

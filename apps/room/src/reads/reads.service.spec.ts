import { Commands, DomainEvent, MessageView, ReadSpanCommand, RoomErrorCode } from '@app/contracts';
import { AppException } from '@app/common';
import { EventPublisher, RoomEventOptions, RpcClient } from '@app/messaging';
import { RoomsService } from '../rooms/rooms.service';
import { ReadsRepository } from './reads.repository';
import { ReadsService } from './reads.service';
import { readSpanOf } from '../../../../test/support/read-span';

const ROOM = '0190f5c2-7c1a-7000-8000-0000000000aa';
const [ANN, BOB, CAT, DAN, STRANGER, BROKEN, NEWCOMER] = ['a1', 'b1', 'c1', 'd1', 'e1', 'f1', 'f2'].map(
  (s) => `0190f5c2-7c1a-7000-8000-0000000000${s}`,
);

/** A room's log as history would cover a read of it, and the read positions as the repository holds them. */
function setUp(log: Array<Partial<MessageView> & { senderId: string }>, { bot = false } = {}) {
  const messages: MessageView[] = log.map((m, i) => ({
    id: `m${i + 1}`,
    roomId: ROOM,
    seq: i + 1,
    kind: 'text',
    content: 'hi',
    clientMsgId: `c${i + 1}`,
    createdAt: new Date(0).toISOString(),
    ...m,
  }));
  const positions = new Map<string, number>();
  const spans: ReadSpanCommand[] = [];
  const published: Array<{ event: DomainEvent; options?: RoomEventOptions; to: 'room' | 'user' }> = [];

  const repo = {
    memberPosition: async (_roomId: string, userId: string) => {
      // A newcomer's membership is not visible to this lookup yet (they joined a moment ago).
      if (userId === STRANGER || userId === NEWCOMER) return null;
      const seq = positions.get(userId);
      return seq === undefined
        ? { lastReadSeq: 0, updatedAt: null, roomHasIntegrations: bot }
        : { lastReadSeq: seq, updatedAt: new Date(1), roomHasIntegrations: bot };
    },
    advanceForSender: async (_roomId: string, userId: string, seq: number) => {
      if (userId === BROKEN) throw new Error('connection terminated');
      positions.set(userId, Math.max(positions.get(userId) ?? 0, seq));
    },
    advance: async (roomId: string, userId: string, seq: number) => {
      const advanced = (positions.get(userId) ?? -1) < seq;
      if (advanced) positions.set(userId, seq);
      return {
        position: { roomId, userId, lastReadSeq: positions.get(userId) as number, updatedAt: new Date(2) },
        advanced,
      };
    },
  } as unknown as ReadsRepository;
  const rooms = {
    requireMember: async (userId: string) => {
      if (userId === NEWCOMER) return;
      throw new AppException(RoomErrorCode.FORBIDDEN, 'Not a member of this room');
    },
  } as unknown as RoomsService;
  const rpc = {
    request: async (type: string, cmd: ReadSpanCommand) => {
      expect(type).toBe(Commands.HISTORY_READ_SPAN);
      spans.push(cmd);
      return readSpanOf(messages, cmd.afterSeq, cmd.seq);
    },
  } as unknown as RpcClient;
  const events = {
    publishUserEvent: async (_userId: string, event: DomainEvent) =>
      void published.push({ event, to: 'user' }),
    publishRoomEvent: async (
      _roomId: string,
      _actorId: string,
      event: DomainEvent,
      options?: RoomEventOptions,
    ) => void published.push({ event, options, to: 'room' }),
  } as unknown as EventPublisher;

  const receipt = () => {
    const found = published.filter((p) => p.to === 'room');
    expect(found).toHaveLength(1);
    return found[0];
  };
  return { service: new ReadsService(repo, rooms, rpc, events), positions, spans, published, receipt };
}

describe('ReadsService.mark: the receipt goes to the authors of what the read covered', () => {
  it('names the authors of the messages after the old position, not the reader, notices or deleted messages', async () => {
    const { service, positions, receipt } = setUp([
      { senderId: ANN },
      { senderId: BOB },
      { senderId: CAT },
      { senderId: DAN, kind: 'system' },
      { senderId: BOB, deletedAt: new Date(0).toISOString() },
      { senderId: DAN },
      { senderId: CAT },
    ]);
    positions.set(BOB, 2);
    const view = await service.mark(BOB, ROOM, 7);
    expect(view.lastReadSeq).toBe(7);
    const { event, options } = receipt();
    // `type` and `audience` lead: the gateway reads them off the start of the event.
    expect(Object.keys(event).slice(0, 2)).toEqual(['type', 'audience']);
    expect(event).toMatchObject({ type: 'room.member.read', userId: BOB, lastReadSeq: 7 });
    expect(new Set((event as { audience?: string[] }).audience)).toEqual(new Set([CAT, DAN]));
    expect(options?.gateways).toBe(true);
    expect(options?.integrations).toBe(false);
  });

  it('goes to integrations too when a bot is in the room, or when the room is not known to have none', async () => {
    const withBot = setUp([{ senderId: ANN }], { bot: true });
    await withBot.service.mark(BOB, ROOM, 1);
    expect(withBot.receipt().options?.integrations).toBe(true);
    const justJoined = setUp([{ senderId: ANN }]);
    await justJoined.service.mark(NEWCOMER, ROOM, 1);
    expect(justJoined.receipt().options?.integrations).toBe(true);
  });

  it('never goes past the newest message, and the covered part only counts up to where the read stops', async () => {
    const { service, receipt } = setUp([{ senderId: ANN }, { senderId: CAT }, { senderId: DAN }]);
    expect((await service.mark(BOB, ROOM, 2)).lastReadSeq).toBe(2);
    expect((receipt().event as { audience?: string[] }).audience).toEqual([ANN, CAT]);
    const ahead = setUp([{ senderId: ANN }]);
    expect((await ahead.service.mark(BOB, ROOM, 999)).lastReadSeq).toBe(1);
  });

  it('tells nobody connected when the read covered nothing of anyone else’s (integrations still hear it)', async () => {
    const { service, positions, receipt } = setUp([{ senderId: ANN }, { senderId: ANN, kind: 'system' }], {
      bot: true,
    });
    positions.set(ANN, 1);
    await service.mark(ANN, ROOM, 2);
    const { event, options } = receipt();
    expect((event as { audience?: string[] }).audience).toEqual([]);
    expect(options?.gateways).toBe(false);
    expect(options?.integrations).toBe(true);
  });

  it('a read of more than READ_SPAN_MAX messages tells the whole room, clamped by the newest message', async () => {
    const { service, spans, receipt } = setUp(
      Array.from({ length: 60 }, (_, i) => ({ senderId: i % 2 ? ANN : CAT })),
    );
    expect((await service.mark(BOB, ROOM, 1000)).lastReadSeq).toBe(60);
    expect(spans.map((p) => [p.roomId, p.afterSeq, p.seq])).toEqual([[ROOM, 0, 1000]]);
    const { event, options } = receipt();
    expect('audience' in event).toBe(false);
    expect(options?.gateways).toBe(true);
  });

  it('a position already there asks history nothing and announces nothing', async () => {
    const { service, positions, spans, published } = setUp([{ senderId: ANN }, { senderId: CAT }]);
    positions.set(BOB, 2);
    expect((await service.mark(BOB, ROOM, 1)).lastReadSeq).toBe(2);
    expect(spans).toEqual([]);
    expect(published).toEqual([]);
    // Someone who has read nothing, marking nothing: position 0, no row, no event.
    expect((await service.mark(DAN, ROOM, 0)).lastReadSeq).toBe(0);
    expect(published).toEqual([]);
  });

  it('someone not in the room gets the room’s refusal, and nothing is read or announced', async () => {
    const { service, spans, published } = setUp([{ senderId: ANN }]);
    await expect(service.mark(STRANGER, ROOM, 1)).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    expect(spans).toEqual([]);
    expect(published).toEqual([]);
  });

  it('writing marks read, and a failure to do so does not fail the message that was stored', async () => {
    const { service, positions } = setUp([]);
    await service.sent({ roomId: ROOM, senderId: ANN, seq: 4 });
    expect(positions.get(ANN)).toBe(4);
    await expect(service.sent({ roomId: ROOM, senderId: BROKEN, seq: 5 })).resolves.toBeUndefined();
  });
});

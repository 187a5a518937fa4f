import { Commands, ReadPositionView, RoomErrorCode } from '@app/contracts';
import { uuidv7 } from '@app/common';
import { RoomKit } from '../../../../test/rooms/room-kit';
import { ReadsRepository } from './reads.repository';

describe('read positions: writing in a room marks it read (real PostgreSQL + RabbitMQ, history stubbed)', () => {
  const kit = new RoomKit();
  const repo = () => kit.app.get(ReadsRepository);

  beforeAll(() => kit.start(), 60_000);
  afterAll(() => kit.stop());

  const positions = async (actorId: string, roomId: string): Promise<Record<string, number>> => {
    const { positions: list } = (await kit.rpc.request(Commands.READ_POSITIONS_LIST, {
      actorId,
      roomId,
    })) as {
      positions: ReadPositionView[];
    };
    return Object.fromEntries(list.map((p) => [p.userId, p.lastReadSeq]));
  };
  const send = (actorId: string, roomId: string, content: string) =>
    kit.rpc.request(Commands.MESSAGE_SEND, { actorId, roomId, clientMsgId: uuidv7(), kind: 'text', content });

  it('a sent message is read by its sender, on every device, before the ack; nobody else’s position moves', async () => {
    const { room, owner, admin, member } = await kit.cast('Reads');
    const first = await send(member, room.id, 'hello 👋');
    expect(await positions(owner, room.id)).toEqual({ [owner]: 0, [admin]: 0, [member]: first.message.seq });

    // Replying marks everything up to the reply read, unread messages before it included.
    await send(owner, room.id, 'one');
    const reply = await send(member, room.id, '답장');
    expect((await positions(member, room.id))[member]).toBe(reply.message.seq);

    // A retry (same clientMsgId) is answered as a duplicate and leaves the position where it is.
    const again = await kit.rpc.request(Commands.MESSAGE_SEND, {
      actorId: member,
      roomId: room.id,
      clientMsgId: reply.message.clientMsgId,
      kind: 'text',
      content: '답장',
    });
    expect(again.duplicate).toBe(true);
    expect((await positions(member, room.id))[member]).toBe(reply.message.seq);
  });

  it('answers the messages of one turn with one statement: each sender at their newest message per room', async () => {
    const a = await kit.cast('Turn A');
    const b = await kit.cast('Turn B');
    const { statements } = await kit.statementsDuring(() =>
      Promise.all([
        repo().advanceForSender(a.room.id, a.member, 7),
        repo().advanceForSender(a.room.id, a.member, 9),
        repo().advanceForSender(a.room.id, a.member, 8),
        repo().advanceForSender(a.room.id, a.owner, 3),
        repo().advanceForSender(b.room.id, b.member, 5),
      ]),
    );
    expect(statements).toBe(1);
    expect(await positions(a.owner, a.room.id)).toEqual({ [a.owner]: 3, [a.admin]: 0, [a.member]: 9 });
    expect(await positions(b.owner, b.room.id)).toEqual({ [b.owner]: 0, [b.admin]: 0, [b.member]: 5 });
  });

  it('never moves a position back, and a malformed id fails only its own request', async () => {
    const { room, owner, member } = await kit.cast('Back');
    await repo().advance(room.id, member, 12);
    const results = await Promise.allSettled([
      repo().advanceForSender(room.id, member, 10),
      repo().advanceForSender('not-a-uuid', member, 4),
      repo().advanceForSender(room.id, owner, 11),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const held = await positions(owner, room.id);
    expect(held[member]).toBe(12);
    expect(held[owner]).toBe(11);
  });

  it('advances the reads of one turn with one statement; only the read that moved a position says so', async () => {
    const { room, owner, admin, member } = await kit.cast('Read turn');
    await repo().advance(room.id, admin, 6);
    const { result, statements } = await kit.statementsDuring(() =>
      Promise.all([
        repo().advance(room.id, member, 3),
        repo().advance(room.id, member, 5),
        repo().advance(room.id, owner, 2),
      ]),
    );
    expect(statements).toBe(1);
    expect(result.map((r) => [r.position.lastReadSeq, r.advanced])).toEqual([
      [5, false],
      [5, true],
      [2, true],
    ]);
    // Already further: not moved back, and told where they are.
    const behind = await repo().advance(room.id, admin, 4);
    expect([behind.position.lastReadSeq, behind.advanced]).toEqual([6, false]);
    expect(await positions(owner, room.id)).toEqual({ [owner]: 2, [admin]: 6, [member]: 5 });
    const mixed = await Promise.allSettled([
      repo().advance('not-a-uuid', member, 9),
      repo().advance(room.id, owner, 7),
    ]);
    expect(mixed.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect((await positions(owner, room.id))[owner]).toBe(7);
  });

  it('a read’s receipt names the authors of what it covered, as the room’s gateways hear it', async () => {
    const { room, owner, admin, member } = await kit.cast('Receipts');
    const probe = await kit.probe(owner);
    await send(owner, room.id, 'one');
    await send(admin, room.id, 'two');
    await send(member, room.id, 'three');
    const four = await send(owner, room.id, 'four');
    // The admin's position is at their own message: the read covers the member's and the owner's.
    await kit.rpc.request(Commands.READ_MARK, { actorId: admin, roomId: room.id, seq: four.message.seq });
    const receipt = (await probe.waitFor(
      (e) => e.type === 'room.member.read' && (e as { userId?: string }).userId === admin,
    )) as { audience?: string[]; lastReadSeq: number };
    expect(receipt.lastReadSeq).toBe(four.message.seq);
    expect(new Set(receipt.audience)).toEqual(new Set([member, owner]));
    expect((await positions(owner, room.id))[admin]).toBe(four.message.seq);
  });

  it('looks up the readers of one turn with one statement: a member’s position, 0 before any, null for a stranger', async () => {
    const { room, owner, admin, member } = await kit.cast('Lookups');
    await repo().advance(room.id, member, 4);
    const { result: found, statements } = await kit.statementsDuring(() =>
      Promise.all([
        repo().memberPosition(room.id, member),
        repo().memberPosition(room.id, admin),
        repo().memberPosition(room.id, uuidv7()),
        repo().memberPosition(uuidv7(), owner),
      ]),
    );
    expect(statements).toBe(1);
    expect(found.map((f) => f && f.lastReadSeq)).toEqual([4, 0, null, null]);
    expect(found[0]?.updatedAt).toBeInstanceOf(Date);
    expect(found[1]?.updatedAt).toBeNull();
  });

  it('a stranger’s read frame gets the room’s refusal', async () => {
    const { room } = await kit.cast('Strangers');
    await expect(
      kit.rpc.request(Commands.READ_MARK, { actorId: uuidv7(), roomId: room.id, seq: 1 }),
    ).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });
  });
});

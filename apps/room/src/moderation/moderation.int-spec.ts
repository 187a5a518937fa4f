import { Commands, FriendErrorCode, ModerationErrorCode, RoomErrorCode } from '@app/contracts';
import { uuidv7 } from '@app/common';
import { eventually } from '../../../../test/support/infra';
import { nameOf, quiet, RoomKit } from '../../../../test/rooms/room-kit';
import { RoomsService } from '../rooms/rooms.service';

describe('room service: moderation (real PostgreSQL + RabbitMQ)', () => {
  const kit = new RoomKit();
  const rpc = () => kit.rpc;
  const rooms = () => kit.app.get(RoomsService);

  beforeAll(() => kit.start(), 60_000);
  /** A message stored (by the history stub) so it can be reported. */
  const say = async (actorId: string, roomId: string, content: string): Promise<string> =>
    (
      await rpc().request(Commands.MESSAGE_SEND, {
        actorId,
        roomId,
        clientMsgId: uuidv7(),
        kind: 'text',
        content,
      })
    ).message.id;
  afterAll(() => kit.stop());

  /** The system messages the room service asked history to store for a room, in order. */
  const said = (roomId: string) => kit.appends.filter((a) => a.roomId === roomId && a.kind === 'system');

  it('kicks a member: told why first, then the room; logged and said in the room', async () => {
    const { room, owner, admin, member } = await kit.cast();
    const [ownerDevices, memberDevices] = await Promise.all([kit.probe(owner), kit.probe(member)]);
    const result = await rpc().request(Commands.MODERATION_KICK, {
      actorId: admin,
      roomId: room.id,
      userId: member,
      reason: 'flooding',
    });
    expect(result).toEqual({ roomId: room.id, userId: member, auditId: expect.any(String) });

    const removed = await memberDevices.waitFor((e) => e.type === 'user.membership.removed');
    expect(removed).toMatchObject({ userId: member, roomId: room.id, reason: 'kicked' });
    const kicked = await ownerDevices.waitFor((e) => e.type === 'room.member.kicked');
    expect(kicked).toMatchObject({ roomId: room.id, userId: member, actorId: admin, reason: 'flooding' });
    await quiet();
    expect(memberDevices.types()).toEqual(['user.membership.removed']);

    await expect(rooms().requireMember(member, room.id)).rejects.toMatchObject({
      code: RoomErrorCode.NOT_MEMBER,
    });
    const { entries } = await rpc().request(Commands.MODERATION_AUDIT_LIST, {
      actorId: owner,
      roomId: room.id,
    });
    expect(entries[0]).toMatchObject({
      id: result.auditId,
      action: 'member.kick',
      actorId: admin,
      targetUserId: member,
      details: { reason: 'flooding' },
    });
    await eventually(() => said(room.id).some((a) => a.clientMsgId === `audit-${result.auditId}`));
    expect(said(room.id).find((a) => a.clientMsgId === `audit-${result.auditId}`)).toMatchObject({
      senderId: admin,
      content: `${nameOf(admin)} removed ${nameOf(member)} from the room: flooding`,
    });
    // Kicked, not banned: a new invite lets them back in.
    await expect(kit.admit(owner, room.id, member)).resolves.toMatchObject({ myRole: 'member' });
  });

  it('bans: removed, and no way back in (invite or link) until unbanned', async () => {
    const { room, owner, member } = await kit.cast();
    const memberDevices = await kit.probe(member);
    const link = await kit.link(owner, room.id);
    const banned = await rpc().request(Commands.MODERATION_BAN, {
      actorId: owner,
      roomId: room.id,
      userId: member,
    });
    expect(banned).toMatchObject({
      roomId: room.id,
      userId: member,
      bannedBy: owner,
      auditId: expect.any(String),
    });
    await memberDevices.waitFor((e) => e.type === 'user.membership.removed');
    expect(memberDevices.events.find((e) => e.type === 'user.membership.removed')).toMatchObject({
      reason: 'banned',
    });

    await expect(kit.join(member, room.id, { inviteToken: link.token })).rejects.toMatchObject({
      code: RoomErrorCode.BANNED,
    });
    await expect(kit.invite(owner, room.id, member)).rejects.toMatchObject({ code: RoomErrorCode.BANNED });
    await expect(
      rpc().request(Commands.MODERATION_BANS_LIST, { actorId: owner, roomId: room.id }),
    ).resolves.toEqual({
      bans: [expect.objectContaining({ userId: member, bannedBy: owner })],
    });

    await rpc().request(Commands.MODERATION_UNBAN, { actorId: owner, roomId: room.id, userId: member });
    await expect(kit.join(member, room.id, { inviteToken: link.token })).resolves.toMatchObject({
      myRole: 'member',
    });
    await expect(
      rpc().request(Commands.MODERATION_UNBAN, { actorId: owner, roomId: room.id, userId: member }),
    ).rejects.toMatchObject({ code: ModerationErrorCode.NOT_BANNED });
  });

  it('bans someone who is not (yet) a member, which also drops their pending invite', async () => {
    const [owner, stranger] = [uuidv7(), uuidv7()];
    const room = await kit.createRoom(owner);
    await kit.invite(owner, room.id, stranger);
    await rpc().request(Commands.MODERATION_BAN, { actorId: owner, roomId: room.id, userId: stranger });
    await expect(rpc().request(Commands.ROOM_INVITES_LIST, { actorId: stranger })).resolves.toEqual({
      invites: [],
    });
    await expect(kit.join(stranger, room.id)).rejects.toMatchObject({ code: RoomErrorCode.BANNED });
  });

  it('keeps the ranks: admins act on members only, nobody on themselves, members on nobody', async () => {
    const { room, owner, admin, member } = await kit.cast();
    const kick = (actorId: string, userId: string) =>
      rpc().request(Commands.MODERATION_KICK, { actorId, roomId: room.id, userId });
    await expect(kick(member, admin)).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    await expect(kick(admin, owner)).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    await expect(kick(admin, admin)).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    await expect(kick(uuidv7(), member)).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });
    await expect(kick(admin, uuidv7())).rejects.toMatchObject({ code: RoomErrorCode.TARGET_NOT_MEMBER });
    await expect(
      rpc().request(Commands.MODERATION_BAN, { actorId: admin, roomId: room.id, userId: owner }),
    ).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    await expect(kick(owner, admin)).resolves.toMatchObject({ userId: admin });
  });

  it('mutes for a while: the member stays and reads, but may not post until it ends or is lifted', async () => {
    const { room, owner, admin, member } = await kit.cast();
    const ownerDevices = await kit.probe(owner);
    await expect(rooms().assertCanPost(member, room.id)).resolves.toMatchObject({ userId: member });
    const muted = await rpc().request(Commands.MODERATION_MUTE, {
      actorId: admin,
      roomId: room.id,
      userId: member,
      durationSeconds: 600,
    });
    expect(Date.parse(muted.mutedUntil) - Date.now()).toBeGreaterThan(590_000);
    const event = await ownerDevices.waitFor((e) => e.type === 'room.member.muted');
    expect(event).toMatchObject({ userId: member, actorId: admin, mutedUntil: muted.mutedUntil });
    await expect(rooms().assertCanPost(member, room.id)).rejects.toMatchObject({
      code: RoomErrorCode.MUTED,
      details: [{ field: 'mutedUntil', reason: muted.mutedUntil }],
    });
    const detail = await rpc().request(Commands.ROOM_GET, { actorId: member, roomId: room.id });
    expect(detail.members.find((m) => m.userId === member)?.mutedUntil).toBe(muted.mutedUntil);
    await eventually(() =>
      said(room.id).some((a) => a.content === `${nameOf(admin)} muted ${nameOf(member)} for 10 minutes`),
    );

    await rpc().request(Commands.MODERATION_UNMUTE, { actorId: admin, roomId: room.id, userId: member });
    await expect(rooms().assertCanPost(member, room.id)).resolves.toMatchObject({ userId: member });
    await ownerDevices.waitFor((e) => e.type === 'room.member.muted' && e.mutedUntil === null);
  });

  it('lets a mute run out on its own', async () => {
    const { room, owner, member } = await kit.cast();
    await rpc().request(Commands.MODERATION_MUTE, {
      actorId: owner,
      roomId: room.id,
      userId: member,
      durationSeconds: 1,
    });
    await expect(rooms().assertCanPost(member, room.id)).rejects.toMatchObject({ code: RoomErrorCode.MUTED });
    await new Promise((r) => setTimeout(r, 1100));
    await expect(rooms().assertCanPost(member, room.id)).resolves.toMatchObject({ userId: member });
  });

  it('slow mode: a member posts once per interval (race-free), owners and admins are exempt', async () => {
    const { room, owner, admin, member } = await kit.cast();
    await rpc().request(Commands.ROOM_SETTINGS_UPDATE, {
      actorId: owner,
      roomId: room.id,
      slowModeSeconds: 30,
    });
    const attempts = await Promise.allSettled([1, 2, 3].map(() => rooms().assertCanPost(member, room.id)));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    const refused = attempts.find((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(refused?.reason).toMatchObject({
      code: RoomErrorCode.SLOW_MODE,
      details: [{ field: 'retryAfterSeconds', reason: expect.stringMatching(/^(29|30)$/) }],
    });
    await expect(rooms().assertCanPost(admin, room.id)).resolves.toMatchObject({ role: 'admin' });
    await expect(rooms().assertCanPost(admin, room.id)).resolves.toMatchObject({ role: 'admin' });
    await rpc().request(Commands.ROOM_SETTINGS_UPDATE, {
      actorId: owner,
      roomId: room.id,
      slowModeSeconds: 0,
    });
    await expect(rooms().assertCanPost(member, room.id)).resolves.toMatchObject({ userId: member });
  });

  it('answers the posting check with the room, so its settings need no second query', async () => {
    const { room, owner, member } = await kit.cast();
    await kit.rpc.request(Commands.ROOM_SETTINGS_UPDATE, {
      actorId: owner,
      roomId: room.id,
      profanityFilter: true,
    });
    await expect(rooms().assertCanPost(member, room.id)).resolves.toMatchObject({
      userId: member,
      role: 'member',
      room: { id: room.id, profanityFilter: true, slowModeSeconds: 0 },
    });
  });

  it('refuses to post for a non-member or in an unknown room, as requireMember does', async () => {
    const { room } = await kit.cast();
    await expect(rooms().assertCanPost(uuidv7(), room.id)).rejects.toMatchObject({
      code: RoomErrorCode.NOT_MEMBER,
    });
    await expect(rooms().assertCanPost(uuidv7(), uuidv7())).rejects.toMatchObject({
      code: RoomErrorCode.NOT_FOUND,
    });
  });

  it('takes reports from members into a queue moderators review and resolve', async () => {
    const { room, owner, admin, member } = await kit.cast();
    const messageId = await say(owner, room.id, 'buy cheap followers at spam.example 🤑');
    await expect(
      rpc().request(Commands.MODERATION_REPORT, {
        actorId: member,
        roomId: room.id,
        messageId: uuidv7(),
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'history.message_not_found' });
    const report = await rpc().request(Commands.MODERATION_REPORT, {
      actorId: member,
      roomId: room.id,
      messageId,
      reason: 'spam link',
    });
    expect(report).toMatchObject({
      roomId: room.id,
      messageId,
      reporterId: member,
      reason: 'spam link',
      status: 'open',
      // Kept with the report: reviewers see what was reported even after an edit or delete.
      messageSenderId: owner,
      messageExcerpt: 'buy cheap followers at spam.example 🤑',
    });
    await expect(
      rpc().request(Commands.MODERATION_REPORT, {
        actorId: member,
        roomId: room.id,
        messageId,
        reason: 'again',
      }),
    ).resolves.toMatchObject({ id: report.id, reason: 'spam link' });
    await expect(
      rpc().request(Commands.MODERATION_REPORT, {
        actorId: uuidv7(),
        roomId: room.id,
        messageId,
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });

    await expect(
      rpc().request(Commands.MODERATION_REPORTS_LIST, { actorId: member, roomId: room.id }),
    ).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    await expect(
      rpc().request(Commands.MODERATION_REPORTS_LIST, { actorId: admin, roomId: room.id, status: 'open' }),
    ).resolves.toEqual({ reports: [report] });

    const resolved = await rpc().request(Commands.MODERATION_REPORT_RESOLVE, {
      actorId: admin,
      roomId: room.id,
      reportId: report.id,
      resolution: 'actioned',
      note: 'removed the link',
    });
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'actioned', resolvedBy: admin });
    await expect(
      rpc().request(Commands.MODERATION_REPORT_RESOLVE, {
        actorId: owner,
        roomId: room.id,
        reportId: report.id,
        resolution: 'dismissed',
      }),
    ).rejects.toMatchObject({ code: ModerationErrorCode.REPORT_RESOLVED });
    await expect(
      rpc().request(Commands.MODERATION_REPORTS_LIST, { actorId: owner, roomId: room.id, status: 'open' }),
    ).resolves.toEqual({ reports: [] });
    const { entries } = await rpc().request(Commands.MODERATION_AUDIT_LIST, {
      actorId: owner,
      roomId: room.id,
    });
    expect(entries[0]).toMatchObject({ action: 'report.resolve', targetMessageId: messageId });
  });

  it('lets site admins (token role admin) page every room’s reports and resolve any of them', async () => {
    const { room, owner, member } = await kit.cast('Far room');
    const siteAdmin = uuidv7();
    const filed = [];
    for (const reason of ['one', 'two', 'three'])
      filed.push(
        await rpc().request(Commands.MODERATION_REPORT, {
          actorId: member,
          roomId: room.id,
          messageId: await say(owner, room.id, `reported ${reason}`),
          reason,
        }),
      );

    for (const actorRole of [undefined, 'user', 'guest'] as const)
      await expect(
        rpc().request(Commands.MODERATION_REPORTS_ALL, { actorId: owner, actorRole }),
      ).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });

    const first = await rpc().request(Commands.MODERATION_REPORTS_ALL, {
      actorId: siteAdmin,
      actorRole: 'admin',
      status: 'open',
      limit: 2,
    });
    expect(first.reports.map((r) => [r.reason, r.roomName])).toEqual([
      ['three', 'Far room'],
      ['two', 'Far room'],
    ]);
    expect(first.nextCursor).toBe(filed[1].id);
    const next = await rpc().request(Commands.MODERATION_REPORTS_ALL, {
      actorId: siteAdmin,
      actorRole: 'admin',
      status: 'open',
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(next.reports[0]).toEqual({ ...filed[0], roomName: 'Far room' });

    await expect(
      rpc().request(Commands.MODERATION_REPORT_RESOLVE, {
        actorId: siteAdmin,
        actorRole: 'user',
        roomId: room.id,
        reportId: filed[0].id,
        resolution: 'dismissed',
      }),
    ).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });
    await expect(
      rpc().request(Commands.MODERATION_REPORT_RESOLVE, {
        actorId: siteAdmin,
        actorRole: 'admin',
        roomId: room.id,
        reportId: filed[0].id,
        resolution: 'dismissed',
      }),
    ).resolves.toMatchObject({ status: 'resolved', resolution: 'dismissed', resolvedBy: siteAdmin });
    const open = await rpc().request(Commands.MODERATION_REPORTS_ALL, {
      actorId: siteAdmin,
      actorRole: 'admin',
      status: 'open',
    });
    expect(open.reports.map((r) => r.id)).not.toContain(filed[0].id);
  });

  it('logs every action in order and pages the log; members cannot read it', async () => {
    const { room, owner, admin, member } = await kit.cast();
    await rpc().request(Commands.ROOM_RENAME, { actorId: owner, roomId: room.id, name: 'Renamed' });
    await rpc().request(Commands.MODERATION_MUTE, {
      actorId: admin,
      roomId: room.id,
      userId: member,
      durationSeconds: 60,
    });
    await rpc().request(Commands.MODERATION_UNMUTE, { actorId: admin, roomId: room.id, userId: member });
    await rpc().request(Commands.MODERATION_KICK, { actorId: owner, roomId: room.id, userId: member });
    const { entries } = await rpc().request(Commands.MODERATION_AUDIT_LIST, {
      actorId: admin,
      roomId: room.id,
    });
    expect(entries.map((e) => e.action)).toEqual([
      'member.kick',
      'member.unmute',
      'member.mute',
      'room.rename',
      'member.role',
    ]);
    const page = await rpc().request(Commands.MODERATION_AUDIT_LIST, {
      actorId: admin,
      roomId: room.id,
      limit: 2,
      before: entries[1].id,
    });
    expect(page.entries.map((e) => e.action)).toEqual(['member.mute', 'room.rename']);
    await expect(
      rpc().request(Commands.MODERATION_AUDIT_LIST, { actorId: member, roomId: room.id }),
    ).rejects.toMatchObject({ code: RoomErrorCode.NOT_MEMBER });
    // Each announced action became exactly one system message, however often the outbox ran.
    await eventually(() => said(room.id).length >= 5);
    await quiet(300);
    expect(
      said(room.id)
        .map((a) => a.clientMsgId)
        .sort(),
    ).toEqual(entries.map((e) => `audit-${e.id}`).sort());
  });

  it('records a moderator deleting a message (for the message operations to call)', async () => {
    const { room, owner, admin, member } = await kit.cast();
    const messageId = uuidv7();
    await expect(rooms().recordMessageDeletion(member, room.id, messageId, owner)).rejects.toMatchObject({
      code: RoomErrorCode.FORBIDDEN,
    });
    await rooms().recordMessageDeletion(admin, room.id, messageId, member);
    const { entries } = await rpc().request(Commands.MODERATION_AUDIT_LIST, {
      actorId: owner,
      roomId: room.id,
    });
    expect(entries[0]).toMatchObject({
      action: 'message.delete',
      actorId: admin,
      targetUserId: member,
      targetMessageId: messageId,
    });
  });

  it('does not moderate direct rooms', async () => {
    const [a, b] = [uuidv7(), uuidv7()];
    await rpc().request(Commands.FRIEND_REQUEST, { actorId: a, actorName: 'A', userId: b });
    await rpc().request(Commands.FRIEND_ACCEPT, { actorId: b, actorName: 'B', userId: a });
    const dm = await rpc().request(Commands.FRIEND_DM_OPEN, { actorId: a, actorName: 'A', userId: b });
    await expect(
      rpc().request(Commands.MODERATION_KICK, { actorId: a, roomId: dm.id, userId: b }),
    ).rejects.toMatchObject({ code: RoomErrorCode.FORBIDDEN });
    await rpc().request(Commands.FRIEND_BLOCK, { actorId: b, userId: a });
    await expect(rooms().assertCanPost(a, dm.id)).rejects.toMatchObject({ code: FriendErrorCode.BLOCKED });
    await expect(rooms().assertCanPost(b, dm.id)).rejects.toMatchObject({ code: FriendErrorCode.BLOCKED });
    // Only a block between the two counts: once lifted they write again, whoever else blocks one of them.
    await rpc().request(Commands.FRIEND_UNBLOCK, { actorId: b, userId: a });
    await rpc().request(Commands.FRIEND_BLOCK, { actorId: uuidv7(), userId: a });
    await rpc().request(Commands.FRIEND_BLOCK, { actorId: b, userId: uuidv7() });
    await expect(rooms().assertCanPost(a, dm.id)).resolves.toMatchObject({ userId: a, directBlocked: false });
    await expect(rooms().assertCanPost(b, dm.id)).resolves.toMatchObject({ userId: b, directBlocked: false });
  });
});

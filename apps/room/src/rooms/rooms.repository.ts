import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { queryPrepared, TurnBatch } from '@app/common';
import { OutboxRepository, OutboxWriter } from '../outbox/outbox.repository';
import { BanEntity } from './entities/ban.entity';
import { InviteLinkEntity } from './entities/invite-link.entity';
import { InviteEntity } from './entities/invite.entity';
import { MembershipEntity } from './entities/membership.entity';
import { RoomImageEntity } from './entities/room-image.entity';
import { RoomEntity } from './entities/room.entity';

export type RoomPatch = Partial<
  Pick<
    RoomEntity,
    'name' | 'ownerId' | 'slowModeSeconds' | 'profanityFilter' | 'imageUpdatedAt' | 'lastActivityAt'
  >
>;
export type MembershipPatch = Partial<Pick<MembershipEntity, 'role' | 'mutedUntil'>>;

/**
 * The writes that must commit together, bound to one open transaction, with the outbox that
 * carries their broker operations. Rooms are locked (`lockRoom`) before any membership of them
 * changes: that serialises changes per room, which keeps the cap and the outbox order per room.
 */
export class RoomsTransaction {
  readonly outbox: OutboxWriter;

  constructor(
    readonly manager: EntityManager,
    outbox: OutboxWriter,
  ) {
    this.outbox = outbox;
  }

  /** The room row, locked until commit. */
  lockRoom(roomId: string): Promise<RoomEntity | null> {
    return this.manager
      .createQueryBuilder(RoomEntity, 'r')
      .where('r.id = :roomId', { roomId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Several rooms locked in id order, so two transactions never wait on each other in a circle. */
  async lockRooms(roomIds: string[]): Promise<RoomEntity[]> {
    const rooms: RoomEntity[] = [];
    for (const id of [...new Set(roomIds)].sort()) {
      const room = await this.lockRoom(id);
      if (room) rooms.push(room);
    }
    return rooms;
  }

  /** A newcomer's read position starts at `seq` (never moving one back, e.g. from before a leave). */
  async startReadPosition(roomId: string, userId: string, seq: number): Promise<void> {
    await this.manager.query(
      `INSERT INTO "room"."read_positions" AS rp ("room_id", "user_id", "last_read_seq", "updated_at")
       VALUES ($1, $2, $3, now())
       ON CONFLICT ("room_id", "user_id") DO UPDATE
         SET "last_read_seq" = EXCLUDED."last_read_seq", "updated_at" = EXCLUDED."updated_at"
         WHERE rp."last_read_seq" < EXCLUDED."last_read_seq"`,
      [roomId, userId, seq],
    );
  }

  findMembership(roomId: string, userId: string): Promise<MembershipEntity | null> {
    return this.manager.findOneBy(MembershipEntity, { roomId, userId });
  }

  async insertRoom(room: RoomEntity): Promise<void> {
    await this.manager.insert(RoomEntity, room);
  }

  async updateRoom(roomId: string, patch: RoomPatch): Promise<void> {
    await this.manager.update(RoomEntity, { id: roomId }, patch);
  }

  async insertMembership(membership: MembershipEntity): Promise<void> {
    await this.manager.insert(MembershipEntity, membership);
  }

  async updateMembership(roomId: string, userId: string, patch: MembershipPatch): Promise<void> {
    await this.manager.update(MembershipEntity, { roomId, userId }, patch);
  }

  /** The deleted row's bot flag, null when there was no such membership. */
  async deleteMembership(roomId: string, userId: string): Promise<{ bot: boolean } | null> {
    const result = await this.manager
      .createQueryBuilder()
      .delete()
      .from(MembershipEntity)
      .where('room_id = :roomId AND user_id = :userId', { roomId, userId })
      .returning(['bot'])
      .execute();
    const [row] = result.raw as Array<{ bot: boolean }>;
    return row ? { bot: row.bot } : null;
  }

  async addToMemberCount(roomId: string, delta: 1 | -1): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .update(RoomEntity)
      .set({ memberCount: () => `member_count + (${delta})` })
      .where('id = :roomId', { roomId })
      .execute();
  }

  /** The user's memberships in topic rooms (for ONE_ROOM_AT_A_TIME). */
  async topicMemberships(userId: string): Promise<MembershipEntity[]> {
    return this.manager
      .createQueryBuilder(MembershipEntity, 'm')
      .innerJoin(RoomEntity, 'r', 'r.id = m.room_id')
      .where('m.user_id = :userId', { userId })
      .andWhere(`r.kind = 'topic'`)
      .getMany();
  }

  findBan(roomId: string, userId: string): Promise<BanEntity | null> {
    return this.manager.findOneBy(BanEntity, { roomId, userId });
  }

  async insertBan(ban: BanEntity): Promise<void> {
    await this.manager.upsert(BanEntity, ban, ['roomId', 'userId']);
  }

  /** True when there was a ban to lift. */
  async deleteBan(roomId: string, userId: string): Promise<boolean> {
    const result = await this.manager.delete(BanEntity, { roomId, userId });
    return (result.affected ?? 0) > 0;
  }

  findInvite(roomId: string, userId: string): Promise<InviteEntity | null> {
    return this.manager.findOneBy(InviteEntity, { roomId, userId });
  }

  async upsertInvite(invite: InviteEntity): Promise<void> {
    await this.manager.upsert(InviteEntity, invite, ['roomId', 'userId']);
  }

  async deleteInvite(roomId: string, userId: string): Promise<boolean> {
    const result = await this.manager.delete(InviteEntity, { roomId, userId });
    return (result.affected ?? 0) > 0;
  }

  /** The link row, locked: its use count is checked and bumped in this transaction. */
  lockInviteLink(tokenHash: string): Promise<InviteLinkEntity | null> {
    return this.manager
      .createQueryBuilder(InviteLinkEntity, 'l')
      .where('l.token_hash = :tokenHash', { tokenHash })
      .setLock('pessimistic_write')
      .getOne();
  }

  async insertInviteLink(link: InviteLinkEntity): Promise<void> {
    await this.manager.insert(InviteLinkEntity, link);
  }

  async useInviteLink(id: string): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .update(InviteLinkEntity)
      .set({ uses: () => 'uses + 1' })
      .where('id = :id', { id })
      .execute();
  }

  async revokeInviteLink(roomId: string, id: string, at: Date): Promise<boolean> {
    const result = await this.manager.update(
      InviteLinkEntity,
      { id, roomId, revokedAt: IsNull() },
      { revokedAt: at },
    );
    return (result.affected ?? 0) > 0;
  }

  async saveImage(image: RoomImageEntity): Promise<void> {
    await this.manager.upsert(RoomImageEntity, image, ['roomId']);
  }

  async deleteImage(roomId: string): Promise<void> {
    await this.manager.delete(RoomImageEntity, { roomId });
  }

  findDirectRoom(directKey: string): Promise<RoomEntity | null> {
    return this.manager.findOneBy(RoomEntity, { directKey });
  }
}

/**
 * A member as the posting check sees them: the membership, its room, whether a bot is in it,
 * and, in a direct room, whether either of its two people blocked the other.
 */
export type PostingMember = MembershipEntity & {
  room: RoomEntity;
  roomHasIntegrations: boolean;
  directBlocked: boolean;
};

interface PostingRequest {
  roomId: string;
  userId: string;
}

@Injectable()
export class RoomsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
  ) {}

  /** Run `work` in one transaction; throwing rolls it back (the outbox rows with it). */
  transaction<T>(work: (tx: RoomsTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) =>
      work(new RoomsTransaction(manager, this.outbox.writer(manager))),
    );
  }

  findRoom(roomId: string): Promise<RoomEntity | null> {
    return this.dataSource.manager.findOneBy(RoomEntity, { id: roomId });
  }

  async roomExists(roomId: string): Promise<boolean> {
    return this.dataSource.manager.existsBy(RoomEntity, { id: roomId });
  }

  /** A primary-key lookup: this guards every message operation. */
  findMembership(roomId: string, userId: string): Promise<MembershipEntity | null> {
    return this.dataSource.manager.findOneBy(MembershipEntity, { roomId, userId });
  }

  listMembers(roomId: string): Promise<MembershipEntity[]> {
    return this.dataSource.manager.find(MembershipEntity, {
      where: { roomId },
      order: { joinedAt: 'ASC', userId: 'ASC' },
    });
  }

  /** The user's memberships with their rooms, the most recently joined first. */
  async listMembershipsWithRooms(userId: string): Promise<Array<MembershipEntity & { room: RoomEntity }>> {
    const rows = await this.dataSource.manager.find(MembershipEntity, {
      where: { userId },
      relations: { room: true },
      order: { joinedAt: 'DESC', roomId: 'DESC' },
    });
    return rows.filter((m): m is MembershipEntity & { room: RoomEntity } => !!m.room);
  }

  /** The rooms of each of these users, oldest join first: one query for a whole presence report. */
  async listRoomIdsOfUsers(userIds: string[]): Promise<Map<string, string[]>> {
    const rows = (await this.dataSource.query(
      `SELECT "user_id", "room_id" FROM "room"."memberships"
        WHERE "user_id" = ANY ($1::uuid[]) ORDER BY "joined_at", "room_id"`,
      [userIds],
    )) as Array<{ user_id: string; room_id: string }>;
    const roomsOf = new Map<string, string[]>();
    for (const r of rows) {
      const rooms = roomsOf.get(r.user_id);
      if (rooms) rooms.push(r.room_id);
      else roomsOf.set(r.user_id, [r.room_id]);
    }
    return roomsOf;
  }

  /**
   * The membership and its room's posting rules in one query. Runs for every message sent. The
   * lookups asked for in one turn of the event loop (a batch of sends) are answered by one plain
   * statement, built once from the entities' column metadata (so a new column is read too); the
   * query builder's own bookkeeping cost more CPU than the query, and one statement per message
   * was one database round trip per message.
   */
  findPostingMember(roomId: string, userId: string): Promise<PostingMember | null> {
    return this.posting.ask({ roomId, userId });
  }

  private readonly posting = new TurnBatch<PostingRequest, PostingMember | null>((batch) =>
    this.lookUpPosting(batch),
  );
  private postingLookup?: { sql: string; map: (row: Record<string, unknown>) => PostingMember };

  private async lookUpPosting(batch: PostingRequest[]): Promise<Array<PostingMember | null>> {
    const lookup = (this.postingLookup ??= this.buildPostingLookup());
    const rows = await queryPrepared<Record<string, unknown>>(
      this.dataSource,
      'room_posting_members',
      lookup.sql,
      [batch.map((b) => b.roomId), batch.map((b) => b.userId)],
    );
    const found = new Map(
      rows.map((row) => {
        const member = lookup.map(row);
        return [`${member.roomId}/${member.userId}`, member];
      }),
    );
    return batch.map((b) => found.get(`${b.roomId.toLowerCase()}/${b.userId.toLowerCase()}`) ?? null);
  }

  private buildPostingLookup(): { sql: string; map: (row: Record<string, unknown>) => PostingMember } {
    const columns = (entity: typeof MembershipEntity | typeof RoomEntity, alias: string) =>
      this.dataSource.getMetadata(entity).columns.map((c) => ({
        property: c.propertyName,
        select: `${alias}."${c.databaseName}" AS "${alias}.${c.propertyName}"`,
        key: `${alias}.${c.propertyName}`,
      }));
    const member = columns(MembershipEntity, 'm');
    const room = columns(RoomEntity, 'r');
    const pick = (row: Record<string, unknown>, cols: typeof member) =>
      Object.fromEntries(cols.map((c) => [c.property, row[c.key]]));
    return {
      sql: `SELECT ${[...member, ...room].map((c) => c.select).join(', ')},
                   EXISTS (SELECT 1 FROM "room"."memberships" b
                            WHERE b."room_id" = m."room_id" AND b."bot") AS "roomHasIntegrations",
                   CASE WHEN r."kind" = 'direct' THEN EXISTS (
                     SELECT 1 FROM "room"."blocks" x
                      WHERE (x."blocker_id" = m."user_id" AND x."blocked_id" = ANY (string_to_array(r."direct_key", ':')::uuid[]))
                         OR (x."blocked_id" = m."user_id" AND x."blocker_id" = ANY (string_to_array(r."direct_key", ':')::uuid[]))
                   ) ELSE false END AS "directBlocked"
              FROM "room"."memberships" m JOIN "room"."rooms" r ON r."id" = m."room_id"
             WHERE (m."room_id", m."user_id") IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
      map: (row) =>
        ({
          ...pick(row, member),
          room: pick(row, room),
          roomHasIntegrations: row.roomHasIntegrations === true,
          directBlocked: row.directBlocked === true,
        }) as unknown as PostingMember,
    };
  }

  /**
   * Slow mode, race-free: the member's post is counted only if the last one is old enough, in
   * one statement. Returns null when allowed, else the seconds still to wait.
   */
  async claimPostSlot(roomId: string, userId: string, slowModeSeconds: number): Promise<number | null> {
    const rows = (await this.dataSource.query(
      `UPDATE "room"."memberships" SET "last_posted_at" = now()
         WHERE "room_id" = $1 AND "user_id" = $2
           AND ("last_posted_at" IS NULL OR "last_posted_at" <= now() - make_interval(secs => $3))
       RETURNING 1`,
      [roomId, userId, slowModeSeconds],
    )) as [unknown[], number] | unknown[];
    const updated = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : (rows as unknown[]).length;
    if (updated > 0) return null;
    const wait = (await this.dataSource.query(
      `SELECT GREATEST(1, CEIL(EXTRACT(EPOCH FROM ("last_posted_at" + make_interval(secs => $3) - now()))))::int AS s
         FROM "room"."memberships" WHERE "room_id" = $1 AND "user_id" = $2`,
      [roomId, userId, slowModeSeconds],
    )) as Array<{ s: number }>;
    return wait[0]?.s ?? 1;
  }

  /**
   * Record that something was said, for the topic directory. Written at most every few seconds
   * per room, so a busy room does not turn every message into a room-row update.
   */
  async touchActivity(roomId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE "room"."rooms" SET "last_activity_at" = now()
         WHERE "id" = $1 AND ("last_activity_at" IS NULL OR "last_activity_at" < now() - interval '5 seconds')`,
      [roomId],
    );
  }

  findImage(roomId: string): Promise<RoomImageEntity | null> {
    return this.dataSource.manager.findOneBy(RoomImageEntity, { roomId });
  }

  /** The user's pending invites with their rooms, newest first. */
  async listInvitesFor(userId: string): Promise<Array<{ invite: InviteEntity; room: RoomEntity }>> {
    const invites = await this.dataSource.manager.find(InviteEntity, {
      where: { userId },
      order: { createdAt: 'DESC' },
    });
    if (invites.length === 0) return [];
    const rooms = await this.dataSource.manager.findBy(RoomEntity, { id: In(invites.map((i) => i.roomId)) });
    const byId = new Map(rooms.map((r) => [r.id, r]));
    return invites.flatMap((invite) => {
      const room = byId.get(invite.roomId);
      return room ? [{ invite, room }] : [];
    });
  }

  /**
   * The room's links that still admit someone at `now` (neither revoked nor expired; used-up ones
   * only with `includeUsedUp`), newest first.
   */
  listLiveInviteLinks(roomId: string, now: Date, includeUsedUp: boolean): Promise<InviteLinkEntity[]> {
    const qb = this.dataSource.manager
      .createQueryBuilder(InviteLinkEntity, 'l')
      .where('l.room_id = :roomId', { roomId })
      .andWhere('l.revoked_at IS NULL')
      .andWhere('l.expires_at > :now', { now })
      .orderBy('l.created_at', 'DESC')
      .addOrderBy('l.id', 'DESC');
    if (!includeUsedUp) qb.andWhere('(l.max_uses IS NULL OR l.uses < l.max_uses)');
    return qb.getMany();
  }

  listBans(roomId: string): Promise<BanEntity[]> {
    return this.dataSource.manager.find(BanEntity, { where: { roomId }, order: { createdAt: 'DESC' } });
  }

  /** Topic rooms, most recently active first, optionally by part of the name. */
  topicDirectory(query: string | undefined, limit: number): Promise<RoomEntity[]> {
    const qb = this.dataSource.manager
      .createQueryBuilder(RoomEntity, 'r')
      .where(`r.kind = 'topic'`)
      .orderBy('r.last_activity_at', 'DESC', 'NULLS LAST')
      .addOrderBy('r.member_count', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .take(limit);
    if (query?.trim()) {
      const escaped = query
        .trim()
        .normalize('NFC')
        .replace(/[\\%_]/g, (c) => `\\${c}`);
      qb.andWhere('r.name ILIKE :pattern', { pattern: `%${escaped}%` });
    }
    return qb.getMany();
  }
}

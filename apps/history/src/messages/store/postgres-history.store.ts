import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, LessThan, MoreThan, QueryFailedError } from 'typeorm';
import { uuidv7 } from '@app/common';
import { MessageEntity } from '../entities/message.entity';
import { RoomSequenceEntity } from '../entities/room-sequence.entity';
import { HistoryInit1732400000000 } from '../../migrations/1732400000000-HistoryInit';
import {
  AppendInput,
  AppendResult,
  HistoryStore,
  MessagePage,
  PageQuery,
  prepareAppend,
  preparePage,
  prepareRoomId,
  resolveRepeat,
  StoredMessage,
  toPage,
} from './history-store';

export const HISTORY_SCHEMA = 'history';
export const HISTORY_ENTITIES = [MessageEntity, RoomSequenceEntity];
export const HISTORY_MIGRATIONS = [HistoryInit1732400000000];

const CLIENT_KEY_CONSTRAINT = 'messages_sender_client_msg_key';
const UNIQUE_VIOLATION = '23505';

/*
 * Takes the room's next seq. The upsert holds the room_sequences row lock until the transaction
 * ends, so appends to one room run one after another (across processes too) while other rooms
 * proceed; a rollback restores last_seq, so a failed append leaves no gap. The timestamp is read
 * while the lock is held, so created_at never goes backwards within a room.
 */
const NEXT_SEQ_SQL = `
  INSERT INTO "history"."room_sequences" ("room_id", "last_seq") VALUES ($1, 1)
  ON CONFLICT ("room_id") DO UPDATE SET "last_seq" = "room_sequences"."last_seq" + 1
  RETURNING "last_seq", clock_timestamp() AS "now"`;

function toStored(e: MessageEntity): StoredMessage {
  return {
    id: e.id,
    roomId: e.roomId,
    seq: e.seq,
    senderId: e.senderId,
    kind: e.kind,
    content: e.content,
    clientMsgId: e.clientMsgId,
    createdAt: e.createdAt,
  };
}

function isClientKeyViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driverError = err.driverError as { code?: string; constraint?: string };
  return driverError.code === UNIQUE_VIOLATION && driverError.constraint === CLIENT_KEY_CONSTRAINT;
}

/** The PostgreSQL message log (schema `history`). This class is the repository. */
@Injectable()
export class PostgresHistoryStore implements HistoryStore {
  readonly name = 'postgres' as const;

  constructor(private readonly dataSource: DataSource) {}

  async append(raw: AppendInput): Promise<AppendResult> {
    const input = prepareAppend(raw);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let existing: StoredMessage | null;
    try {
      await runner.startTransaction('READ COMMITTED');
      existing = await this.findByClientKey(runner.manager, input.senderId, input.clientMsgId);
      if (!existing) {
        const rows = (await runner.query(NEXT_SEQ_SQL, [input.roomId])) as Array<{
          last_seq: string;
          now: Date;
        }>;
        const message: StoredMessage = {
          // Made while the room lock is held, so ids rise with seq (within this process; across
          // processes they are ordered to the millisecond).
          id: uuidv7(),
          roomId: input.roomId,
          seq: Number(rows[0].last_seq),
          senderId: input.senderId,
          kind: input.kind,
          content: input.content,
          clientMsgId: input.clientMsgId,
          createdAt: rows[0].now,
        };
        await runner.manager.insert(MessageEntity, message);
        await runner.commitTransaction();
        return { message, duplicate: false };
      }
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      // Another caller stored the same key after our lookup. Our rollback gave the seq back.
      if (!isClientKeyViolation(err)) throw err;
      // Read the winner on the connection we already hold: asking the pool for a second one here
      // deadlocks once every pooled connection is a loser waiting in this branch.
      existing = await this.findByClientKey(runner.manager, input.senderId, input.clientMsgId);
      if (!existing) throw err;
    } finally {
      await runner.release();
    }
    return resolveRepeat(existing, input);
  }

  /*
   * Every page is one range scan of the unique (room_id, seq) index, reading limit + 1 rows:
   *   latest:    WHERE room_id = $1               ORDER BY seq DESC LIMIT n + 1
   *   beforeSeq: WHERE room_id = $1 AND seq < $2  ORDER BY seq DESC LIMIT n + 1
   *   afterSeq:  WHERE room_id = $1 AND seq > $2  ORDER BY seq ASC  LIMIT n + 1
   */
  async page(q: PageQuery): Promise<MessagePage> {
    const prepared = preparePage(q);
    const { roomId, direction, limit } = prepared;
    const rows = await this.dataSource.manager.find(MessageEntity, {
      where:
        direction.kind === 'latest'
          ? { roomId }
          : { roomId, seq: direction.kind === 'before' ? LessThan(direction.seq) : MoreThan(direction.seq) },
      order: { seq: direction.kind === 'after' ? 'ASC' : 'DESC' },
      take: limit + 1,
    });
    return toPage(rows.map(toStored), prepared);
  }

  /** Primary key lookup on room_sequences. */
  async latestSeq(roomId: string): Promise<number> {
    const row = await this.dataSource.manager.findOneBy(RoomSequenceEntity, {
      roomId: prepareRoomId(roomId),
    });
    return row?.lastSeq ?? 0;
  }

  async ping(): Promise<boolean> {
    await this.dataSource.query('SELECT 1');
    return true;
  }

  /** Served by the unique (sender_id, client_msg_id) index. */
  private async findByClientKey(
    manager: EntityManager,
    senderId: string,
    clientMsgId: string,
  ): Promise<StoredMessage | null> {
    const row = await manager.findOneBy(MessageEntity, { senderId, clientMsgId });
    return row ? toStored(row) : null;
  }
}

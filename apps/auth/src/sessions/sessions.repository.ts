import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import type { SessionRevocationReason } from '@app/contracts';
import { UserEntity } from '../accounts/entities/user.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { SessionEntity } from './entities/session.entity';

export type NewSession = Pick<SessionEntity, 'id' | 'userId' | 'userAgent' | 'createdAt' | 'expiresAt'>;
export type NewRefreshToken = Pick<RefreshTokenEntity, 'tokenHash' | 'sessionId' | 'createdAt' | 'expiresAt'>;

export interface RevokedSession {
  id: string;
  userId: string;
  revokedAt: Date;
}

export type RotateOutcome =
  | { kind: 'rotated'; user: UserEntity; sessionId: string }
  | { kind: 'invalid' | 'expired' }
  | { kind: 'revoked'; userId: string; sessionId: string }
  | { kind: 'reused'; revoked: RevokedSession | null };

/** Sessions the caller may still use: not revoked, not expired. */
const ACTIVE = () => ({ revokedAt: IsNull(), expiresAt: MoreThan(new Date()) });

/** Touching `last_seen_at` on every check would write on every request; once a minute says enough. */
const LAST_SEEN_RESOLUTION = "interval '60 seconds'";

@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>) {}

  /** A session and its first refresh token; inside the caller's transaction when given one. */
  async insertSession(session: NewSession, refresh: NewRefreshToken, em?: EntityManager): Promise<void> {
    const run = async (m: EntityManager) => {
      await m.insert(SessionEntity, {
        ...session,
        lastSeenAt: session.createdAt,
        revokedAt: null,
        revokedReason: null,
      });
      await m.insert(RefreshTokenEntity, { ...refresh, rotatedAt: null });
    };
    if (em) await run(em);
    else await this.sessions.manager.transaction(run);
  }

  /**
   * Trade a refresh token for the next one. The session row is locked, so two refreshes of one
   * session are decided one after the other: the second presents a rotated token and is reuse.
   * Reuse revokes the session in the same transaction (it commits; the caller then refuses).
   */
  async rotate(
    tokenHash: Buffer,
    next: (user: UserEntity, sessionId: string, now: Date) => NewRefreshToken,
  ): Promise<RotateOutcome> {
    return this.sessions.manager.transaction(async (em) => {
      const token = await em.findOne(RefreshTokenEntity, { where: { tokenHash } });
      if (!token) return { kind: 'invalid' };
      const session = await em.findOne(SessionEntity, {
        where: { id: token.sessionId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!session) return { kind: 'invalid' };
      // Re-read under the session lock: a rival refresh may have rotated it meanwhile.
      const current = await em.findOne(RefreshTokenEntity, { where: { tokenHash } });
      if (!current) return { kind: 'invalid' };
      if (session.revokedAt) return { kind: 'revoked', userId: session.userId, sessionId: session.id };
      if (current.rotatedAt) {
        const revoked = await this.revokeWhere(
          em,
          { userId: session.userId, only: session.id },
          'refresh_reused',
        );
        return { kind: 'reused', revoked: revoked[0] ?? null };
      }
      const now = new Date();
      if (current.expiresAt <= now || session.expiresAt <= now) return { kind: 'expired' };
      const user = await em.findOne(UserEntity, { where: { id: session.userId } });
      if (!user || user.deactivatedAt)
        return { kind: 'revoked', userId: session.userId, sessionId: session.id };
      const following = next(user, session.id, now);
      await em.update(RefreshTokenEntity, { tokenHash }, { rotatedAt: now });
      await em.insert(RefreshTokenEntity, { ...following, rotatedAt: null });
      await em.update(SessionEntity, { id: session.id }, { lastSeenAt: now, expiresAt: following.expiresAt });
      return { kind: 'rotated', user, sessionId: session.id };
    });
  }

  /**
   * Start the session's refresh family over (a guest became a user): every earlier token stops
   * working without counting as reuse.
   */
  async replaceRefreshTokens(sessionId: string, refresh: NewRefreshToken, em: EntityManager): Promise<void> {
    await em.delete(RefreshTokenEntity, { sessionId });
    await em.insert(RefreshTokenEntity, { ...refresh, rotatedAt: null });
    await em.update(
      SessionEntity,
      { id: sessionId },
      { expiresAt: refresh.expiresAt, lastSeenAt: refresh.createdAt },
    );
  }

  findActive(userId: string, sessionId: string): Promise<SessionEntity | null> {
    return this.sessions.findOne({ where: { id: sessionId, userId, ...ACTIVE() } });
  }

  listActive(userId: string, limit: number): Promise<SessionEntity[]> {
    return this.sessions.find({
      where: { userId, ...ACTIVE() },
      order: { lastSeenAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  /** Revoke one active session of this user; null when there is none by that id. */
  async revokeOne(
    userId: string,
    sessionId: string,
    reason: SessionRevocationReason,
  ): Promise<RevokedSession | null> {
    const revoked = await this.revokeWhere(this.sessions.manager, { userId, only: sessionId }, reason);
    return revoked[0] ?? null;
  }

  /** Revoke every active session of the user, but `exceptSessionId`. */
  revokeAllOfUser(
    userId: string,
    reason: SessionRevocationReason,
    options: { exceptSessionId?: string; em?: EntityManager } = {},
  ): Promise<RevokedSession[]> {
    return this.revokeWhere(
      options.em ?? this.sessions.manager,
      { userId, except: options.exceptSessionId },
      reason,
    );
  }

  /**
   * Whether the session may be used, for the gateways' check; records that it was seen (at most
   * once a minute per session).
   */
  async check(sessionId: string): Promise<{ session: SessionEntity; deactivated: boolean } | null> {
    await this.sessions.query(
      `UPDATE "auth"."sessions" SET "last_seen_at" = now()
        WHERE "id" = $1 AND "revoked_at" IS NULL AND "expires_at" > now()
          AND "last_seen_at" < now() - ${LAST_SEEN_RESOLUTION}`,
      [sessionId],
    );
    const session = await this.sessions.findOne({ where: { id: sessionId } });
    if (!session) return null;
    const user = await this.sessions.manager.findOne(UserEntity, {
      where: { id: session.userId },
      select: { id: true, deactivatedAt: true },
    });
    return { session, deactivated: !user || !!user.deactivatedAt };
  }

  /** Old refresh tokens stop mattering once they expire; revoked and expired sessions keep no tokens. */
  async prune(): Promise<void> {
    await this.sessions.query(
      `DELETE FROM "auth"."refresh_tokens" WHERE "expires_at" < now() - interval '1 day'`,
    );
  }

  /**
   * Revoke the user's active sessions: one (`only`), all but one (`except`), or all. The refresh
   * tokens stay until they expire, so presenting one later is answered "revoked", not "unknown".
   */
  private async revokeWhere(
    em: EntityManager,
    target: { userId: string; only?: string; except?: string },
    reason: SessionRevocationReason,
  ): Promise<RevokedSession[]> {
    const params: unknown[] = [target.userId, reason];
    let filter = '';
    if (target.only) {
      params.push(target.only);
      filter = `AND "id" = $3`;
    } else if (target.except) {
      params.push(target.except);
      filter = `AND "id" <> $3`;
    }
    const [rows] = (await em.query(
      `UPDATE "auth"."sessions" SET "revoked_at" = now(), "revoked_reason" = $2
        WHERE "user_id" = $1 ${filter} AND "revoked_at" IS NULL AND "expires_at" > now()
        RETURNING "id", "user_id", "revoked_at"`,
      params,
    )) as [Array<{ id: string; user_id: string; revoked_at: Date }>, number];
    return rows.map((r) => ({ id: r.id, userId: r.user_id, revokedAt: new Date(r.revoked_at) }));
  }
}

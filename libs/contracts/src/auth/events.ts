import { Equals, IsIn, IsISO8601, IsString, MaxLength } from 'class-validator';
import type { EventBase } from '../event-base';
import { IsId } from '../ids';

/** Facts the auth service publishes. */
export const AuthEvents = {
  /** To the user (`user.<userId>`): one of your sessions can no longer be used. */
  USER_SESSION_REVOKED: 'user.session.revoked',
} as const;

export type SessionRevocationReason =
  'logout' | 'revoked' | 'revoked_others' | 'password_changed' | 'refresh_reused' | 'deactivated';

export interface UserSessionRevokedEvent extends EventBase {
  type: typeof AuthEvents.USER_SESSION_REVOKED;
  userId: string;
  sessionId: string;
  reason: SessionRevocationReason;
  /** No access token of the session is valid after this: how long a gateway must remember it. */
  tokensExpireAt: string;
}

export type AuthDomainEvent = UserSessionRevokedEvent;

/**
 * The same event is also published on `happychat.user.events` under this key, which no inbox
 * binds. Every gateway binds its own queue to it, so each one learns of a revocation at once,
 * whether or not it holds a socket of that user.
 */
export const SESSION_REVOCATIONS_ROUTING_KEY = 'sessions.revoked';

const REVOCATION_REASONS: SessionRevocationReason[] = [
  'logout',
  'revoked',
  'revoked_others',
  'password_changed',
  'refresh_reused',
  'deactivated',
];

/** `user.session.revoked` as a consumer validates it (a service acting on revocations). */
export class UserSessionRevokedNotice implements UserSessionRevokedEvent {
  @Equals(AuthEvents.USER_SESSION_REVOKED) type: typeof AuthEvents.USER_SESSION_REVOKED;
  @Equals(1) v: 1;
  @IsString() @MaxLength(64) eventId: string;
  @IsISO8601() occurredAt: string;
  @IsId() userId: string;
  @IsId() sessionId: string;
  @IsIn(REVOCATION_REASONS) reason: SessionRevocationReason;
  @IsISO8601() tokensExpireAt: string;
}

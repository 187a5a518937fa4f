import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { EventBase } from '../event-base';
import { IsId } from '../ids';

export type PresenceStatus = 'online' | 'away' | 'offline';
export const PRESENCE_STATUSES: readonly PresenceStatus[] = ['online', 'away', 'offline'];

/** Commands of the presence context (queue `happychat.room.commands`). */
export const PresenceCommands = {
  PRESENCE_LIST: 'presence.list',
} as const;

/** The members of a room and their presence; members only. */
export class ListPresenceCommand {
  static readonly TYPE = PresenceCommands.PRESENCE_LIST;
  @Equals(PresenceCommands.PRESENCE_LIST) type: typeof PresenceCommands.PRESENCE_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
}

export interface PresenceView {
  userId: string;
  status: PresenceStatus;
  /** When they were last connected (absent for who has never been seen). */
  lastSeenAt?: string;
}

export interface PresenceCommandResults {
  [PresenceCommands.PRESENCE_LIST]: { presence: PresenceView[] };
}

export const PresenceCommandClasses = {
  [PresenceCommands.PRESENCE_LIST]: ListPresenceCommand,
} as const;

export const PresenceEvents = {
  /** To each room the user is in: their aggregate status changed (online if any device is). */
  PRESENCE_CHANGED: 'presence.changed',
} as const;

export interface PresenceChangedEvent extends EventBase {
  type: typeof PresenceEvents.PRESENCE_CHANGED;
  userId: string;
  status: PresenceStatus;
  lastSeenAt: string;
}

export type PresenceDomainEvent = PresenceChangedEvent;

export class PresenceEntry {
  @IsId() userId: string;
  @IsIn(['online', 'away']) status: 'online' | 'away';
}

/**
 * What a gateway tells the presence tracker (exchange `happychat.presence`): who is connected
 * to it. `full` reports replace everything known about that gateway and arrive every few
 * seconds; the rest are changes (`gone` lists users whose last socket there closed). Entries
 * expire after `ttlMs` unless reported again, so a crashed gateway's users go offline by
 * themselves.
 */
export class GatewayPresenceReport {
  static readonly TYPE = 'gateway.presence.reported';
  @Equals('gateway.presence.reported') type: 'gateway.presence.reported';
  @Equals(1) v: 1;
  @IsString() @Length(1, 128) gatewayId: string;
  @IsBoolean() full: boolean;
  @IsInt() @Min(1000) @Max(600_000) ttlMs: number;
  @IsArray()
  @ArrayMaxSize(200_000)
  @ValidateNested({ each: true })
  @Type(() => PresenceEntry)
  users: PresenceEntry[];
  @IsArray() @ArrayMaxSize(200_000) @IsUUID('all', { each: true }) gone: string[];
}

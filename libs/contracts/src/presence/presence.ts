import {
  Equals,
  IsBoolean,
  IsInt,
  isUUID,
  IsString,
  Length,
  Max,
  Min,
  registerDecorator,
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

export interface PresenceEntry {
  userId: string;
  status: 'online' | 'away';
}

/** Users a report may carry: a gateway with every connection it can hold, and then some. */
export const PRESENCE_REPORT_MAX_USERS = 200_000;

/**
 * Why `entry` is not a PresenceEntry (exactly a user id and 'online' or 'away'), or undefined.
 * Hand-written rather than nested class-validator rules: those took 0.1-0.5 s for a full report
 * of 10,000 users, all of it on the room service's event loop, every report interval.
 */
function presenceEntryFault(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return 'must be an object';
  const { userId, status, ...rest } = entry as Record<string, unknown>;
  if (typeof userId !== 'string' || !isUUID(userId, 'all')) return 'userId must be a UUID';
  if (status !== 'online' && status !== 'away') return "status must be 'online' or 'away'";
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return `property ${unknown[0]} should not exist`;
  return undefined;
}

/**
 * Why `value` is not a list of at most PRESENCE_REPORT_MAX_USERS items that `itemFault` accepts,
 * or undefined; a bad item is named by its index, `[i]` then `joiner` then its fault.
 */
function listFault(
  value: unknown,
  itemFault: (item: unknown) => string | undefined,
  joiner: string,
): string | undefined {
  if (!Array.isArray(value)) return 'must be an array';
  if (value.length > PRESENCE_REPORT_MAX_USERS)
    return `must contain no more than ${PRESENCE_REPORT_MAX_USERS} elements`;
  for (let i = 0; i < value.length; i++) {
    const fault = itemFault(value[i]);
    if (fault) return `[${i}]${joiner}${fault}`;
  }
  return undefined;
}

const presenceEntriesFault = (value: unknown) => listFault(value, presenceEntryFault, ': ');
const userIdListFault = (value: unknown) =>
  listFault(value, (id) => (typeof id === 'string' && isUUID(id, 'all') ? undefined : 'must be a UUID'), ' ');

/** A property checked by one function that says what is wrong, in one pass over the value. */
function CheckedBy(name: string, fault: (value: unknown) => string | undefined): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => fault(value) === undefined,
        defaultMessage: (args) => {
          const why = fault(args?.value) ?? 'is invalid';
          return `${String(propertyName)}${why.startsWith('[') ? '' : ' '}${why}`;
        },
      },
    });
}

/**
 * What a gateway tells the presence tracker (exchange `happychat.presence`): who is connected
 * to it. `full` reports replace everything known about that gateway; the rest are changes
 * (`gone` lists users whose last socket there closed), possibly none. Every report renews the
 * gateway's lease for `ttlMs`; when a lease runs out, that gateway's users go offline by
 * themselves (it crashed). Gateways report every interval and in full every third.
 */
export class GatewayPresenceReport {
  static readonly TYPE = 'gateway.presence.reported';
  @Equals('gateway.presence.reported') type: 'gateway.presence.reported';
  @Equals(1) v: 1;
  @IsString() @Length(1, 128) gatewayId: string;
  @IsBoolean() full: boolean;
  @IsInt() @Min(1000) @Max(600_000) ttlMs: number;
  @CheckedBy('isPresenceEntries', presenceEntriesFault) users: PresenceEntry[];
  @CheckedBy('isUserIdList', userIdListFault) gone: string[];
}

import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { GatewayPresenceReport, PresenceEvents, PresenceView, Queues } from '@app/contracts';
import { uuidv7 } from '@app/common';
import { EventConsumer, EventPublisher } from '@app/messaging';
import { RoomConfig } from '../room.config';
import { RoomsService } from '../rooms/rooms.service';
import { PresenceChange, PresenceRepository } from './presence.repository';

/** Presence changes published together; bounds what one report puts in flight at once. */
const ANNOUNCE_CHUNK = 100;

/**
 * Tracks who is online from the gateways' reports and tells each user's rooms when their
 * status changes. Reports are consumed from one single-active-consumer queue, so they are
 * applied in the order gateways sent them; state lives in PostgreSQL, so any instance can
 * answer queries and take over.
 */
@Injectable()
export class PresenceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Presence');
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly repo: PresenceRepository,
    private readonly rooms: RoomsService,
    private readonly consumer: EventConsumer,
    private readonly events: EventPublisher,
    private readonly config: RoomConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.subscribe({
      queue: Queues.ROOM_PRESENCE,
      contract: GatewayPresenceReport,
      // One at a time: a gateway's reports must be applied in the order it sent them (a change
      // and the one that undoes it), and they all renew the same lease row.
      prefetch: 1,
      handle: async (report) => this.announce(await this.repo.applyReport(report)),
    });
    this.sweeper = setInterval(() => void this.sweep(), this.config.PRESENCE_SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  async list(actorId: string, roomId: string): Promise<PresenceView[]> {
    const room = await this.rooms.get(actorId, roomId);
    const ids = room.members.map((m) => m.userId);
    const known = await this.repo.statuses(ids);
    return ids.map((userId) => {
      const p = known.get(userId);
      return p
        ? { userId, status: p.status, lastSeenAt: p.lastSeenAt.toISOString() }
        : { userId, status: 'offline' };
    });
  }

  private async sweep(): Promise<void> {
    try {
      await this.announce(await this.repo.expire());
    } catch (err) {
      this.logger.warn(`presence sweep failed: ${(err as Error).message}`);
    }
  }

  /**
   * To every room the user is in: the members' devices show the new status. A report can carry
   * thousands of changes (a gateway restarting, everyone signing in at nine): the rooms of all
   * of them come from one query, and a chunk of changes is published in one turn, so the
   * publisher sends its room events as a few broker messages instead of waiting for a confirm
   * per event. Order is kept: within a turn the events leave in the order they were published,
   * and the next chunk (or report) starts once these are confirmed.
   */
  private async announce(changes: PresenceChange[]): Promise<void> {
    if (changes.length === 0) return;
    const roomsOf = await this.rooms.listRoomIdsOfUsers([...new Set(changes.map((c) => c.userId))]);
    for (let i = 0; i < changes.length; i += ANNOUNCE_CHUNK) {
      await Promise.all(
        changes.slice(i, i + ANNOUNCE_CHUNK).flatMap((c) => {
          const event = {
            type: PresenceEvents.PRESENCE_CHANGED,
            v: 1 as const,
            eventId: uuidv7(),
            occurredAt: new Date().toISOString(),
            userId: c.userId,
            status: c.status,
            lastSeenAt: c.lastSeenAt.toISOString(),
          };
          return [
            this.events.publishUserEvent(c.userId, event),
            ...(roomsOf.get(c.userId) ?? []).map((roomId) =>
              this.events.publishRoomEvent(roomId, c.userId, { ...event, eventId: uuidv7() }),
            ),
          ];
        }),
      );
    }
  }
}

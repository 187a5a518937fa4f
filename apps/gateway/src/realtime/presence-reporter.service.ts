import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Exchanges, GatewayPresenceReport, PresenceEntry } from '@app/contracts';
import { AmqpConnection } from '@app/messaging';
import { GatewayConfig } from '../gateway.config';
import { DeliveryService } from './delivery.service';

type Status = 'online' | 'away';

/** Every how many report intervals everyone here is reported; the others only renew the lease. */
const FULL_REPORT_EVERY = 3;
/** Changes within this window go out as one report: a reconnect storm is a few reports, not thousands. */
const CHANGE_BATCH_MS = 20;

/**
 * Tells the presence tracker who is connected here: changes as they happen (gathered over a few
 * milliseconds); every interval a report that renews this gateway's lease for three intervals,
 * so if this gateway dies its users go offline on their own; and every third interval, or after a
 * report was lost, everyone here (full), which repairs whatever a lost change would have said.
 * Online if any of a user's sockets here is active, away if all are away.
 */
@Injectable()
export class PresenceReporter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PresenceReporter');
  private readonly reported = new Map<string, Status>();
  private timer?: NodeJS.Timeout;
  private ticks = 0;
  private readonly pending = new Set<string>();
  private flushTimer?: NodeJS.Timeout;
  /** A report was not sent: the next tick sends everything. */
  private repairDue = false;

  constructor(
    private readonly config: GatewayConfig,
    private readonly amqp: AmqpConnection,
    private readonly delivery: DeliveryService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.PRESENCE_REPORT_INTERVAL_MS);
    this.timer.unref();
  }

  /** On the way out, everyone here goes offline at once instead of after the time-to-live. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.flushTimer);
    this.pending.clear();
    this.reported.clear();
    await this.send(true, [], []);
  }

  /** Call after a user's sockets here changed (connected, closed, went away or came back). */
  userChanged(userId: string): void {
    this.pending.add(userId);
    this.flushTimer ??= setTimeout(() => this.flushChanges(), CHANGE_BATCH_MS);
  }

  /** The users whose status here differs from what was last reported, as they are now. */
  private flushChanges(): void {
    this.flushTimer = undefined;
    const users: PresenceEntry[] = [];
    const gone: string[] = [];
    for (const userId of this.pending) {
      const status = this.statusOf(userId);
      if (this.reported.get(userId) === status) continue;
      if (status === undefined) {
        this.reported.delete(userId);
        gone.push(userId);
      } else {
        this.reported.set(userId, status);
        users.push({ userId, status });
      }
    }
    this.pending.clear();
    if (users.length > 0 || gone.length > 0) void this.send(false, users, gone);
  }

  private async tick(): Promise<void> {
    const full = this.repairDue || this.ticks++ % FULL_REPORT_EVERY === 0;
    if (full) await this.reportAll();
    else await this.send(false, [], []);
  }

  private async reportAll(): Promise<void> {
    this.repairDue = false;
    const users: PresenceEntry[] = [];
    for (const userId of this.delivery.directory.users()) {
      const status = this.statusOf(userId);
      if (status) users.push({ userId, status });
    }
    await this.send(true, users, []);
  }

  private statusOf(userId: string): Status | undefined {
    let any = false;
    for (const conn of this.delivery.directory.connectionsOf(userId)) {
      if (!conn.away) return 'online';
      any = true;
    }
    return any ? 'away' : undefined;
  }

  private async send(full: boolean, users: PresenceEntry[], gone: string[]): Promise<void> {
    const report: GatewayPresenceReport = {
      type: 'gateway.presence.reported',
      v: 1,
      gatewayId: this.delivery.instanceId,
      full,
      ttlMs: this.config.PRESENCE_REPORT_INTERVAL_MS * 3,
      users,
      gone,
    };
    try {
      await this.amqp.publish(Exchanges.PRESENCE, '', report, { type: report.type, persistent: false });
    } catch (err) {
      this.repairDue = true;
      this.logger.debug(`presence report not sent: ${(err as Error).message}`);
    }
  }
}

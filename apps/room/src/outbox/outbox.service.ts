import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { Commands, CommonErrorCode } from '@app/contracts';
import { AppException, Metrics } from '@app/common';
import { EventPublisher, InboxBindings, RpcClient } from '@app/messaging';
import { RoomConfig } from '../room.config';
import { OutboxOp, OutboxReceipt } from './outbox-op';
import { OutboxRepository } from './outbox.repository';

const RETRY_STEP_MS = 100;

/**
 * Applies the outbox: the broker operations (events, bots' inbox bindings, system messages) that
 * membership and room changes committed with themselves.
 *
 * Fast path: right after its commit, a change applies its own streams (`settle`) and is
 * acknowledged only once its awaited ops are applied. Safety net: a relay in every instance
 * picks up whatever is left (a crash between commit and broker, a broker outage), with
 * exponential backoff, starting at boot. Streams are locked row by row, so any number of room
 * instances can run relays side by side; ops of one stream are applied strictly in order.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private readonly applied: Counter<string>;
  private readonly pendingGauge: Gauge<string>;
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly repo: OutboxRepository,
    private readonly inbox: InboxBindings,
    private readonly events: EventPublisher,
    private readonly rpc: RpcClient,
    private readonly config: RoomConfig,
    metrics: Metrics,
  ) {
    this.applied = metrics.counter('happychat_room_outbox_ops_total', 'Outbox operations by outcome', [
      'result',
    ]);
    this.pendingGauge = metrics.gauge('happychat_room_outbox_pending', 'Outbox operations not yet applied');
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /**
   * After a commit: apply the change's streams now and return once its awaited ops are applied.
   * If the broker will not take them within OUTBOX_ACK_TIMEOUT_MS, the change stays saved (the
   * relay finishes it) but the caller gets `common.service_unavailable` instead of an
   * acknowledgement the system could not honour yet. Retrying the same call is safe.
   */
  async settle(receipt: OutboxReceipt): Promise<void> {
    try {
      await this.settleAwaited(receipt);
    } finally {
      // Announcements go after what they announce (and wait for it if it is still owed).
      for (const stream of receipt.background) {
        if (!receipt.awaited.has(stream)) void this.applyInBackground(stream);
      }
    }
  }

  private async settleAwaited(receipt: OutboxReceipt): Promise<void> {
    if (receipt.awaited.size === 0) return;
    const deadline = Date.now() + this.config.OUTBOX_ACK_TIMEOUT_MS;
    let waiting = [...receipt.awaited.keys()];
    for (;;) {
      for (const stream of waiting) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        await this.applyNow(stream, left);
      }
      const ids = waiting.flatMap((s) => receipt.awaited.get(s) ?? []);
      const pending = new Set(await this.repo.pending(ids));
      waiting = waiting.filter((s) => (receipt.awaited.get(s) ?? []).some((id) => pending.has(id)));
      if (waiting.length === 0) return;
      if (Date.now() >= deadline) {
        this.wake?.();
        throw new AppException(
          CommonErrorCode.SERVICE_UNAVAILABLE,
          'Saved, but the message broker has not confirmed it yet: retry in a moment',
        );
      }
      await sleep(RETRY_STEP_MS);
    }
  }

  /**
   * Settle whatever a stream still holds (an earlier change whose acknowledgement failed):
   * an idempotent retry of that change answers only once the broker has caught up.
   */
  async settleStream(stream: string): Promise<void> {
    const ids = await this.repo.pendingIn(stream);
    if (ids.length > 0) await this.settle({ awaited: new Map([[stream, ids]]), background: new Set() });
  }

  private async applyNow(stream: string, lockTimeoutMs: number): Promise<void> {
    try {
      const result = await this.repo.applyStream(
        stream,
        { skip: false, lockTimeoutMs },
        (op) => this.apply(op),
        (a) => this.backoff(a),
      );
      this.count(result);
    } catch (err) {
      this.logger.warn(`outbox stream ${stream}: ${(err as Error).message}`);
    }
  }

  private async applyInBackground(stream: string): Promise<void> {
    await this.applyNow(stream, this.config.OUTBOX_ACK_TIMEOUT_MS);
  }

  private count(result: { outcome: string; applied: number; error?: string }): void {
    if (result.applied > 0) this.applied.inc({ result: 'applied' }, result.applied);
    if (result.outcome === 'failed') {
      this.applied.inc({ result: 'failed' });
      this.logger.warn(`outbox op failed, will retry: ${result.error}`);
    }
  }

  private backoff(attempts: number): number {
    return Math.min(this.config.OUTBOX_MAX_BACKOFF_MS, 200 * 2 ** Math.min(attempts - 1, 20));
  }

  private async apply(op: OutboxOp): Promise<void> {
    switch (op.kind) {
      case 'bind':
        await this.inbox.bindRoom(op.userId, op.roomId);
        return;
      case 'unbind':
        // The inbox exists whenever a binding could; asserting it keeps a replayed unbind from
        // failing on an inbox that was never created.
        await this.inbox.ensureInbox(op.userId);
        await this.inbox.unbindRoom(op.userId, op.roomId);
        return;
      case 'user_event':
        await this.events.publishUserEvent(op.userId, op.event);
        return;
      case 'room_event':
        await this.events.publishRoomEvent(op.roomId, op.actorId, op.event);
        return;
      case 'system_message':
        try {
          await this.rpc.request(Commands.HISTORY_APPEND, {
            roomId: op.roomId,
            senderId: op.senderId,
            clientMsgId: op.clientMsgId,
            kind: 'system',
            content: op.content,
          });
        } catch (err) {
          // History refused it for good (not a transient failure): retrying would block the
          // room's stream forever. The audit log still has the action.
          if (err instanceof AppException && !err.code.startsWith('common.')) {
            this.logger.error(`system message ${op.clientMsgId} refused: ${err.code}`);
            return;
          }
          throw err;
        }
        return;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let busy = false;
      try {
        const streams = await this.repo.dueStreams(50);
        for (const stream of streams) {
          if (this.stopped) break;
          const result = await this.repo.applyStream(
            stream,
            { skip: true },
            (op) => this.apply(op),
            (a) => this.backoff(a),
          );
          this.count(result);
          if (result.applied > 0) busy = true;
        }
        this.pendingGauge.set(await this.repo.pendingCount());
      } catch (err) {
        if (!this.stopped) this.logger.warn(`outbox relay pass failed: ${(err as Error).message}`);
      }
      if (!busy && !this.stopped) await this.idle(this.config.OUTBOX_POLL_INTERVAL_MS);
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

import type { ErrorDetail } from '@app/contracts/errors';
import { isDomainEvent, type DomainEvent } from '@app/contracts/events';
import type { HelloFrame, MessageAckFrame, PongFrame } from '@app/contracts/frames';
import { WS_PATH, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '@app/contracts/limits';
import { Emitter } from '../lib/emitter';
import { uuid } from '../lib/ids';

/**
 * The realtime client: one WebSocket, reconnected with exponential backoff, kept alive with pings,
 * and a request/answer layer that matches `message.ack` / `pong` / `error` to the frame `id`.
 */

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

export interface StatusChange {
  status: ConnectionStatus;
  /** Failed attempts in a row (0 once connected). */
  attempt: number;
  /** When offline: how long until the next attempt. */
  retryInMs?: number;
}

export interface SocketEvents extends Record<string, unknown> {
  status: StatusChange;
  /** `reconnect` is true for every hello after the first one: time to resync. */
  hello: { frame: HelloFrame; reconnect: boolean };
  event: DomainEvent;
  /** The token was refused: the session is over. */
  unauthorized: { reason: string };
}

/** Why a request failed: the server said no, or the answer never came. */
export class FrameError extends Error {
  constructor(
    readonly kind: 'server' | 'disconnected' | 'timeout',
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

/** Client frames without the `id`, which the client fills in. */
export type OutgoingFrame =
  { type: 'message.send'; roomId: string; clientMsgId: string; content: string } | { type: 'ping' };

type AnswerOf<F extends OutgoingFrame> = F extends { type: 'ping' } ? PongFrame : MessageAckFrame;

interface PendingRequest {
  resolve: (frame: MessageAckFrame | PongFrame) => void;
  reject: (err: FrameError) => void;
  timer: number;
}

export interface RealtimeOptions {
  token: string;
  /** Defaults to `ws(s)://<this host>/ws`. */
  url?: string;
  /**
   * Asked when a connection closes before it ever opened, which is how a refused token looks from
   * a browser. Resolve false when the token is no longer good; true to keep retrying.
   */
  checkAuth: () => Promise<boolean>;
}

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const HELLO_TIMEOUT_MS = 10_000;
const DEFAULT_HEARTBEAT_MS = 25_000;
const REQUEST_TIMEOUT_MS = 15_000;
const CLOSE_UNAUTHORIZED = 4001;

export function defaultSocketUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}${WS_PATH}`;
}

/** Exponential backoff with "equal jitter": half fixed, half random. */
export function backoffDelay(attempt: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

export class RealtimeClient extends Emitter<SocketEvents> {
  private ws: WebSocket | null = null;
  private running = false;
  private online = false;
  private attempt = 0;
  private hellos = 0;
  private heartbeatMs = DEFAULT_HEARTBEAT_MS;
  private lastHeardAt = 0;
  private reconnectTimer = 0;
  private heartbeatTimer = 0;
  private helloTimer = 0;
  private readonly pending = new Map<string, PendingRequest>();

  constructor(private readonly opts: RealtimeOptions) {
    super();
  }

  get isOnline(): boolean {
    return this.online;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    window.addEventListener('online', this.wakeUp);
    document.addEventListener('visibilitychange', this.wakeUp);
    this.connect();
  }

  stop(): void {
    this.running = false;
    window.removeEventListener('online', this.wakeUp);
    document.removeEventListener('visibilitychange', this.wakeUp);
    window.clearTimeout(this.reconnectTimer);
    const ws = this.ws;
    this.teardown('disconnected', 'Signed out');
    if (ws) ws.close(1000, 'client stop');
    this.clear();
  }

  /** Sends a frame and resolves with its answer; rejects with a FrameError. */
  request<F extends OutgoingFrame>(frame: F, timeoutMs = REQUEST_TIMEOUT_MS): Promise<AnswerOf<F>> {
    const ws = this.ws;
    if (!ws || !this.online || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new FrameError('disconnected', 'client.offline', 'Not connected'));
    }
    const id = uuid();
    return new Promise<AnswerOf<F>>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        reject(new FrameError('timeout', 'client.timeout', 'The server did not answer in time'));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: resolve as (frame: MessageAckFrame | PongFrame) => void,
        reject,
        timer,
      });
      try {
        ws.send(JSON.stringify({ ...frame, id }));
      } catch {
        window.clearTimeout(timer);
        this.pending.delete(id);
        reject(new FrameError('disconnected', 'client.offline', 'Not connected'));
      }
    });
  }

  /** Try now instead of waiting out the backoff. */
  reconnectNow(): void {
    if (!this.running || this.ws) return;
    window.clearTimeout(this.reconnectTimer);
    this.connect();
  }

  /** Skip the backoff wait (the network came back, the tab became visible). */
  private readonly wakeUp = (): void => {
    if (!this.running || this.ws || document.visibilityState === 'hidden') return;
    window.clearTimeout(this.reconnectTimer);
    this.connect();
  };

  private connect(): void {
    if (!this.running || this.ws) return;
    this.emit('status', { status: 'connecting', attempt: this.attempt });
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url ?? defaultSocketUrl(), [
        WS_PROTOCOL,
        `${WS_TOKEN_PROTOCOL_PREFIX}${this.opts.token}`,
      ]);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    let opened = false;

    ws.onopen = () => {
      opened = true;
      this.lastHeardAt = Date.now();
      this.helloTimer = window.setTimeout(
        () => this.abandon(ws, 'No hello from the server'),
        HELLO_TIMEOUT_MS,
      );
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.lastHeardAt = Date.now();
      if (typeof ev.data === 'string') this.handleFrame(ev.data);
    };
    ws.onerror = () => {
      /* a close event always follows */
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.teardown('disconnected', 'Connection lost');
      if (!this.running) return;
      if (ev.code === CLOSE_UNAUTHORIZED) {
        this.giveUp(ev.reason || 'Your session has ended');
      } else if (!opened) {
        void this.afterFailedHandshake();
      } else {
        this.scheduleReconnect();
      }
    };
  }

  private async afterFailedHandshake(): Promise<void> {
    let stillValid = true;
    try {
      stillValid = await this.opts.checkAuth();
    } catch {
      stillValid = true;
    }
    if (!this.running) return;
    if (stillValid) this.scheduleReconnect();
    else this.giveUp('Your session has ended');
  }

  private giveUp(reason: string): void {
    this.running = false;
    this.emit('status', { status: 'offline', attempt: this.attempt });
    this.emit('unauthorized', { reason });
  }

  private handleFrame(data: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      console.warn('[socket] unreadable frame');
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    const f = frame as { type?: unknown; id?: unknown };

    switch (f.type) {
      case 'hello':
        this.onHello(frame as HelloFrame);
        return;
      case 'message.ack':
      case 'pong': {
        const req = typeof f.id === 'string' ? this.pending.get(f.id) : undefined;
        if (req) {
          this.pending.delete(f.id as string);
          window.clearTimeout(req.timer);
          req.resolve(frame as MessageAckFrame | PongFrame);
        }
        return;
      }
      case 'error': {
        const e = frame as { id?: string; code?: string; message?: string; details?: ErrorDetail[] };
        const req = e.id ? this.pending.get(e.id) : undefined;
        if (req && e.id) {
          this.pending.delete(e.id);
          window.clearTimeout(req.timer);
          req.reject(new FrameError('server', e.code ?? 'unknown', e.message ?? 'Request failed', e.details));
        } else {
          console.warn('[socket] server error', e.code, e.message);
        }
        return;
      }
      default:
        if (isDomainEvent(frame)) this.emit('event', frame);
    }
  }

  private onHello(frame: HelloFrame): void {
    window.clearTimeout(this.helloTimer);
    this.online = true;
    this.attempt = 0;
    this.heartbeatMs = frame.heartbeatIntervalMs > 0 ? frame.heartbeatIntervalMs : DEFAULT_HEARTBEAT_MS;
    this.startHeartbeat();
    const reconnect = this.hellos > 0;
    this.hellos++;
    this.emit('status', { status: 'online', attempt: 0 });
    this.emit('hello', { frame, reconnect });
  }

  private startHeartbeat(): void {
    window.clearInterval(this.heartbeatTimer);
    const ws = this.ws;
    this.heartbeatTimer = window.setInterval(() => {
      if (!ws || this.ws !== ws) return;
      // Silent for two intervals (plus slack): the connection is dead even if nobody told us.
      if (Date.now() - this.lastHeardAt > this.heartbeatMs * 2 + 5_000) {
        this.abandon(ws, 'Heartbeat timeout');
        return;
      }
      this.request({ type: 'ping' }, this.heartbeatMs).catch(() => undefined);
    }, this.heartbeatMs);
  }

  /** Drop a connection that stopped working without waiting for the close handshake. */
  private abandon(ws: WebSocket, reason: string): void {
    if (this.ws !== ws) return;
    this.teardown('disconnected', reason);
    try {
      ws.close(4000, reason);
    } catch {
      /* already closed */
    }
    this.scheduleReconnect();
  }

  private teardown(kind: 'disconnected', reason: string): void {
    window.clearInterval(this.heartbeatTimer);
    window.clearTimeout(this.helloTimer);
    if (this.ws) {
      this.ws.onopen = this.ws.onmessage = this.ws.onclose = this.ws.onerror = null;
    }
    this.ws = null;
    this.online = false;
    for (const [id, req] of this.pending) {
      window.clearTimeout(req.timer);
      req.reject(new FrameError(kind, 'client.offline', reason));
      this.pending.delete(id);
    }
  }

  private scheduleReconnect(): void {
    if (!this.running || this.ws) return;
    window.clearTimeout(this.reconnectTimer);
    this.attempt++;
    const delay = backoffDelay(this.attempt);
    this.emit('status', { status: 'offline', attempt: this.attempt, retryInMs: delay });
    this.reconnectTimer = window.setTimeout(() => this.connect(), delay);
  }
}

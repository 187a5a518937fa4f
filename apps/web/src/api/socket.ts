import type { ErrorDetail } from '@app/contracts/errors';
import type { DomainEvent } from '@app/contracts/events';
import type {
  HelloFrame,
  MessageAckFrame,
  PongFrame,
  ReactionAckFrame,
  SyncResultFrame,
} from '@app/contracts/frames';
import { WS_PATH, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '@app/contracts/limits';
import { Emitter } from '../lib/emitter';
import { uuid } from '../lib/ids';

/**
 * The realtime client: one WebSocket, reconnected with exponential backoff, kept alive with pings,
 * and a request/answer layer that matches answers (`message.ack`, `reaction.ack`, `sync.result`,
 * `pong`, `error`) to the frame `id`. A new access token is taken over without a gap: a second
 * socket opens with it, and the first closes once the second said hello.
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
  /** Every hello, first or not: time to (re)sync. */
  hello: { frame: HelloFrame; reconnect: boolean };
  event: DomainEvent;
  /** The token was refused: the session is over. */
  unauthorized: { reason: string };
  /** A fire-and-forget frame (typing, read, presence) was refused. */
  signalError: { type: string; code: string; message: string };
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

/** Client frames that get an answer, without the `id`, which the client fills in. */
export type OutgoingRequest =
  | {
      type: 'message.send';
      roomId: string;
      clientMsgId: string;
      content: string;
      replyToId?: string;
      kind?: 'text' | 'image';
      attachmentIds?: string[];
    }
  | { type: 'message.edit'; roomId: string; messageId: string; content: string }
  | { type: 'message.delete'; roomId: string; messageId: string }
  | { type: 'message.react'; roomId: string; messageId: string; emoji: string; add: boolean }
  | { type: 'sync'; rooms: Array<{ roomId: string; afterSeq: number }> }
  | { type: 'ping' };

/** Frames answered only when refused. */
export type OutgoingSignal =
  | { type: 'typing'; roomId: string; active: boolean }
  | { type: 'read'; roomId: string; seq: number }
  | { type: 'presence'; status: 'online' | 'away' };

type Answer = MessageAckFrame | ReactionAckFrame | SyncResultFrame | PongFrame;
type AnswerOf<F extends OutgoingRequest> = F extends { type: 'ping' }
  ? PongFrame
  : F extends { type: 'sync' }
    ? SyncResultFrame
    : F extends { type: 'message.react' }
      ? ReactionAckFrame
      : MessageAckFrame;

interface PendingRequest {
  resolve: (frame: Answer) => void;
  reject: (err: FrameError) => void;
  timer: number;
  ws: WebSocket;
}

export interface RealtimeOptions {
  /** The access token to open the next socket with (read at every connect). */
  token: () => string | null;
  /** Defaults to `ws(s)://<this host>/ws`. */
  url?: string;
  /**
   * Asked when a connection closes before it ever opened, which is how a refused token looks from
   * a browser. Resolve false when the session is over; true to keep retrying (after a refresh).
   */
  checkAuth: () => Promise<boolean>;
}

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const HELLO_TIMEOUT_MS = 10_000;
const DEFAULT_HEARTBEAT_MS = 25_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** A replaced socket stays open this long for answers still on their way to it. */
const REPLACED_GRACE_MS = 5_000;
const CLOSE_UNAUTHORIZED = 4001;
const ANSWERS = new Set(['message.ack', 'reaction.ack', 'sync.result', 'pong']);

export function defaultSocketUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}${WS_PATH}`;
}

/** Exponential backoff with "equal jitter": half fixed, half random. */
export function backoffDelay(attempt: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function isEvent(frame: { type?: unknown; v?: unknown; eventId?: unknown }): boolean {
  return typeof frame.type === 'string' && frame.v === 1 && typeof frame.eventId === 'string';
}

export class RealtimeClient extends Emitter<SocketEvents> {
  private ws: WebSocket | null = null;
  /** A socket opened with a renewed token, waiting for its hello to take over. */
  private replacement: WebSocket | null = null;
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
    this.dropReplacement();
    this.teardown('Signed out');
    if (ws) ws.close(1000, 'client stop');
    this.clear();
  }

  /** Sends a frame and resolves with its answer; rejects with a FrameError. */
  request<F extends OutgoingRequest>(frame: F, timeoutMs = REQUEST_TIMEOUT_MS): Promise<AnswerOf<F>> {
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
      this.pending.set(id, { resolve: resolve as (frame: Answer) => void, reject, timer, ws });
      try {
        ws.send(JSON.stringify({ ...frame, id }));
      } catch {
        window.clearTimeout(timer);
        this.pending.delete(id);
        reject(new FrameError('disconnected', 'client.offline', 'Not connected'));
      }
    });
  }

  /** Fire and forget; false when not connected (the caller decides whether that matters). */
  signal(frame: OutgoingSignal): boolean {
    const ws = this.ws;
    if (!ws || !this.online || ws.readyState !== WebSocket.OPEN) return false;
    try {
      ws.send(JSON.stringify({ ...frame, id: `${frame.type}-${uuid()}` }));
      return true;
    } catch {
      return false;
    }
  }

  /** Try now instead of waiting out the backoff. */
  reconnectNow(): void {
    if (!this.running || this.ws) return;
    window.clearTimeout(this.reconnectTimer);
    this.connect();
  }

  /**
   * The access token changed: move to a socket that carries the new one. Connected, a replacement
   * opens first and takes over at its hello, so nothing is missed and presence does not flicker.
   * Not connected, the next attempt simply uses the new token, now.
   */
  renew(): void {
    if (!this.running) return;
    if (!this.ws) {
      this.reconnectNow();
      return;
    }
    if (!this.online || this.replacement) return;
    this.openReplacement();
  }

  /** Skip the backoff wait (the network came back, the tab became visible). */
  private readonly wakeUp = (): void => {
    if (!this.running || this.ws || document.visibilityState === 'hidden') return;
    window.clearTimeout(this.reconnectTimer);
    this.connect();
  };

  private open(): WebSocket | null {
    const token = this.opts.token();
    if (!token) return null;
    try {
      return new WebSocket(this.opts.url ?? defaultSocketUrl(), [
        WS_PROTOCOL,
        `${WS_TOKEN_PROTOCOL_PREFIX}${token}`,
      ]);
    } catch {
      return null;
    }
  }

  private connect(): void {
    if (!this.running || this.ws) return;
    this.emit('status', { status: 'connecting', attempt: this.attempt });
    const ws = this.open();
    if (!ws) {
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
      if (typeof ev.data === 'string') this.handleFrame(ws, ev.data);
    };
    ws.onerror = () => {
      /* a close event always follows */
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.teardown('Connection lost');
      if (!this.running) return;
      if (ev.code === CLOSE_UNAUTHORIZED) {
        this.giveUp(ev.reason || 'Your session has ended');
      } else if (this.replacement) {
        // The renewed socket is on its way: let it take over instead of starting another.
        this.emit('status', { status: 'connecting', attempt: this.attempt });
      } else if (!opened) {
        void this.afterFailedHandshake();
      } else {
        this.scheduleReconnect();
      }
    };
  }

  private openReplacement(): void {
    const next = this.open();
    if (!next) return;
    this.replacement = next;
    const timer = window.setTimeout(() => {
      if (this.replacement === next) this.dropReplacement();
    }, HELLO_TIMEOUT_MS);
    next.onmessage = (ev) => {
      if (this.replacement !== next || typeof ev.data !== 'string') return;
      let frame: { type?: unknown } | null = null;
      try {
        frame = JSON.parse(ev.data) as { type?: unknown };
      } catch {
        return;
      }
      // Before its hello, the replacement hears nothing worth keeping (the old socket still does).
      if (frame?.type !== 'hello') return;
      window.clearTimeout(timer);
      this.promote(next, ev.data);
    };
    next.onerror = () => undefined;
    next.onclose = () => {
      window.clearTimeout(timer);
      if (this.replacement === next) this.replacement = null;
      if (this.running && !this.ws) this.scheduleReconnect();
    };
  }

  private dropReplacement(): void {
    const next = this.replacement;
    this.replacement = null;
    if (!next) return;
    next.onopen = next.onmessage = next.onclose = next.onerror = null;
    try {
      next.close(1000, 'not needed');
    } catch {
      /* already closed */
    }
  }

  /** The replacement said hello: it becomes the socket; the old one lingers for answers only. */
  private promote(next: WebSocket, helloData: string): void {
    const old = this.ws;
    this.replacement = null;
    window.clearInterval(this.heartbeatTimer);
    window.clearTimeout(this.helloTimer);
    this.ws = next;
    this.lastHeardAt = Date.now();
    next.onmessage = (ev) => {
      if (this.ws !== next) return;
      this.lastHeardAt = Date.now();
      if (typeof ev.data === 'string') this.handleFrame(next, ev.data);
    };
    next.onclose = (ev) => {
      if (this.ws !== next) return;
      this.teardown('Connection lost');
      if (!this.running) return;
      if (ev.code === CLOSE_UNAUTHORIZED) this.giveUp(ev.reason || 'Your session has ended');
      else this.scheduleReconnect();
    };
    if (old) this.retire(old);
    this.handleFrame(next, helloData);
  }

  /** An old socket: answers to requests sent on it still count; events come on the new one now. */
  private retire(old: WebSocket): void {
    const close = () => {
      old.onopen = old.onmessage = old.onclose = old.onerror = null;
      for (const [id, req] of this.pending) {
        if (req.ws !== old) continue;
        window.clearTimeout(req.timer);
        this.pending.delete(id);
        req.reject(new FrameError('disconnected', 'client.offline', 'Connection replaced'));
      }
      try {
        old.close(1000, 'token renewed');
      } catch {
        /* already closed */
      }
    };
    old.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      try {
        const frame = JSON.parse(ev.data) as { type?: string; id?: string };
        if (frame.type && (ANSWERS.has(frame.type) || frame.type === 'error')) this.handleFrame(old, ev.data);
      } catch {
        /* ignore */
      }
      if (![...this.pending.values()].some((r) => r.ws === old)) close();
    };
    old.onclose = () => close();
    if (![...this.pending.values()].some((r) => r.ws === old)) close();
    else window.setTimeout(close, REPLACED_GRACE_MS);
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
    this.dropReplacement();
    this.emit('status', { status: 'offline', attempt: this.attempt });
    this.emit('unauthorized', { reason });
  }

  private handleFrame(ws: WebSocket, data: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      console.warn('[socket] unreadable frame');
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    const f = frame as { type?: unknown; id?: unknown };

    if (f.type === 'hello') {
      this.onHello(frame as HelloFrame);
      return;
    }
    if (typeof f.type === 'string' && ANSWERS.has(f.type)) {
      const req = typeof f.id === 'string' ? this.pending.get(f.id) : undefined;
      if (req && req.ws === ws) {
        this.pending.delete(f.id as string);
        window.clearTimeout(req.timer);
        req.resolve(frame as Answer);
      }
      return;
    }
    if (f.type === 'error') {
      const e = frame as { id?: string; code?: string; message?: string; details?: ErrorDetail[] };
      const req = e.id ? this.pending.get(e.id) : undefined;
      if (req && e.id) {
        this.pending.delete(e.id);
        window.clearTimeout(req.timer);
        req.reject(new FrameError('server', e.code ?? 'unknown', e.message ?? 'Request failed', e.details));
      } else {
        const type = e.id?.split('-')[0] ?? 'unknown';
        this.emit('signalError', { type, code: e.code ?? 'unknown', message: e.message ?? '' });
      }
      return;
    }
    if (isEvent(frame as { type?: unknown })) this.emit('event', frame as DomainEvent);
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
    this.teardown(reason);
    try {
      ws.close(4000, reason);
    } catch {
      /* already closed */
    }
    this.scheduleReconnect();
  }

  private teardown(reason: string): void {
    window.clearInterval(this.heartbeatTimer);
    window.clearTimeout(this.helloTimer);
    const ws = this.ws;
    if (ws) ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    this.ws = null;
    this.online = false;
    for (const [id, req] of this.pending) {
      if (req.ws !== ws) continue;
      window.clearTimeout(req.timer);
      req.reject(new FrameError('disconnected', 'client.offline', reason));
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

import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { MessageView, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '@app/contracts';
import { api } from './http';

/** Answers that mean "not stored, try again with the same clientMsgId". */
const RETRYABLE = new Set(['common.upstream_timeout', 'common.service_unavailable', 'common.rate_limited']);

export interface ResilientClientOptions {
  /** HTTP base for resync (`GET /api/v1/rooms/:id/messages?afterSeq=`). */
  baseUrl: string;
  wsUrl: string;
  token: string;
  label?: string;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** An unanswered send is sent again (same clientMsgId) after this long. */
  resendAfterMs?: number;
  helloTimeoutMs?: number;
}

interface Outgoing {
  roomId: string;
  clientMsgId: string;
  content: string;
  attempts: number;
  /** The socket this was last written to, and when; undefined while waiting for a connection. */
  sentOn?: WebSocket;
  sentAt: number;
  resolve: (m: MessageView) => void;
  reject: (e: Error) => void;
}

interface Frame {
  type: string;
  id?: string;
  code?: string;
  message?: MessageView | string;
  connectionId?: string;
}

/**
 * What the web client does, for tests that break things underneath it: reconnects with
 * exponential backoff (equal jitter), resends every unacknowledged send with the same
 * clientMsgId after each `hello`, and resyncs every watched room from history over HTTP after a
 * reconnect or when it sees a seq gap. Received messages are kept once per id; duplicates are
 * counted, not shown.
 */
export class ResilientClient {
  /** roomId → message id → message: what a person would see, each message once. */
  readonly received = new Map<string, Map<string, MessageView>>();
  /** `message.created` frames that carried an id already held (at-least-once delivery). */
  duplicates = 0;
  /** Two different message ids with the same seq in one room: must never happen. */
  readonly seqConflicts: string[] = [];
  readonly closes: Array<{ code: number; reason: string; at: number }> = [];
  readonly connectionIds: string[] = [];
  hellos = 0;
  resyncs = 0;
  resends = 0;

  private ws?: WebSocket;
  private online = false;
  private running = false;
  private attempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private helloTimer?: NodeJS.Timeout;
  private resendTimer?: NodeJS.Timeout;
  private readonly watched = new Set<string>();
  private readonly seqs = new Map<string, Set<number>>();
  private readonly contiguous = new Map<string, number>();
  private readonly outbox = new Map<string, Outgoing>();
  private readonly resyncing = new Map<string, Promise<void>>();
  private readonly waiters = new Set<() => void>();
  private readonly opts: Required<ResilientClientOptions>;

  constructor(opts: ResilientClientOptions) {
    this.opts = {
      label: 'client',
      backoffMinMs: 100,
      backoffMaxMs: 2000,
      resendAfterMs: 8000,
      helloTimeoutMs: 10_000,
      ...opts,
    };
  }

  get isOnline(): boolean {
    return this.online;
  }

  get label(): string {
    return this.opts.label;
  }

  /** Connects; resolves at the first `hello`. */
  async start(): Promise<void> {
    this.running = true;
    this.connect();
    await this.until(() => this.online, 20_000, `${this.label}: no hello`);
  }

  /** Follow this room: resync it after every reconnect. */
  watch(roomId: string): void {
    this.watched.add(roomId);
    if (!this.received.has(roomId)) this.received.set(roomId, new Map());
  }

  /** Resolves with the stored message once acked, however many reconnects that takes. */
  send(roomId: string, content: string, clientMsgId: string = randomUUID()): Promise<MessageView> {
    return new Promise((resolve, reject) => {
      const out: Outgoing = { roomId, clientMsgId, content, attempts: 0, sentAt: 0, resolve, reject };
      this.outbox.set(clientMsgId, out);
      this.transmit(out);
    });
  }

  get unacked(): number {
    return this.outbox.size;
  }

  messages(roomId: string): MessageView[] {
    return [...(this.received.get(roomId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  /** The highest seq below which this client holds every message of the room. */
  lastSeq(roomId: string): number {
    return this.contiguous.get(roomId) ?? 0;
  }

  /** Fetch everything after the last contiguous seq of every watched room. */
  async resyncAll(): Promise<void> {
    await Promise.all([...this.watched].map((roomId) => this.resync(roomId)));
  }

  /** Wait until `cond` holds, re-checked on every frame, close and hello (and every 50 ms). */
  async until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (cond()) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!cond()) return;
        cleanup();
        resolve();
      };
      const poll = setInterval(check, 50);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearInterval(poll);
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.helloTimer);
    clearInterval(this.resendTimer);
    for (const out of this.outbox.values()) out.reject(new Error(`${this.label} stopped`));
    this.outbox.clear();
    const ws = this.ws;
    this.ws = undefined;
    this.online = false;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1000);
        setTimeout(() => (ws.terminate(), resolve()), 2000).unref();
      });
    }
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private connect(): void {
    if (!this.running || this.ws) return;
    const ws = new WebSocket(this.opts.wsUrl, [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${this.opts.token}`]);
    this.ws = ws;
    ws.on('open', () => {
      this.helloTimer = setTimeout(() => ws.terminate(), this.opts.helloTimeoutMs);
    });
    ws.on('message', (data) => {
      if (this.ws === ws) this.onFrame(JSON.parse(data.toString()) as Frame);
    });
    // A refused upgrade (nginx 502, gateway 503) or a refused connection ends in 'close' too.
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      clearTimeout(this.helloTimer);
      this.closes.push({ code, reason: reason.toString(), at: Date.now() });
      this.ws = undefined;
      this.online = false;
      for (const out of this.outbox.values()) if (out.sentOn === ws) out.sentOn = undefined;
      this.notify();
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    this.attempt++;
    const ceiling = Math.min(this.opts.backoffMaxMs, this.opts.backoffMinMs * 2 ** (this.attempt - 1));
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private onFrame(frame: Frame): void {
    switch (frame.type) {
      case 'hello':
        clearTimeout(this.helloTimer);
        this.online = true;
        this.attempt = 0;
        this.hellos++;
        if (frame.connectionId) this.connectionIds.push(frame.connectionId);
        // Everything said from now on reaches this socket; what was said before is in history.
        if (this.hellos > 1) void this.resyncAll().catch(() => undefined);
        for (const out of this.outbox.values()) this.transmit(out);
        this.resendTimer ??= setInterval(() => this.resendStale(), 500);
        break;
      case 'message.ack': {
        const out = this.outbox.get(this.clientMsgIdOf(frame.id));
        if (out && typeof frame.message === 'object') {
          this.outbox.delete(out.clientMsgId);
          out.resolve(frame.message);
        }
        break;
      }
      case 'error': {
        const out = this.outbox.get(this.clientMsgIdOf(frame.id));
        if (!out) break;
        if (frame.code && RETRYABLE.has(frame.code)) {
          out.sentOn = undefined;
          setTimeout(() => this.transmit(out), 200);
        } else {
          this.outbox.delete(out.clientMsgId);
          out.reject(new Error(`${frame.code}: ${String(frame.message)}`));
        }
        break;
      }
      case 'message.created':
        if (typeof frame.message === 'object') this.hold(frame.message, true);
        break;
      default:
        break;
    }
    this.notify();
  }

  /** Frame ids are `<clientMsgId>#<attempt>`: an answer to any attempt settles the send. */
  private clientMsgIdOf(frameId: string | undefined): string {
    return (frameId ?? '').replace(/#\d+$/, '');
  }

  private transmit(out: Outgoing): void {
    const ws = this.ws;
    if (!this.online || !ws || ws.readyState !== WebSocket.OPEN || out.sentOn === ws) return;
    out.attempts++;
    if (out.attempts > 1) this.resends++;
    out.sentOn = ws;
    out.sentAt = Date.now();
    ws.send(
      JSON.stringify({
        type: 'message.send',
        id: `${out.clientMsgId}#${out.attempts}`,
        roomId: out.roomId,
        clientMsgId: out.clientMsgId,
        content: out.content,
      }),
    );
  }

  private resendStale(): void {
    const now = Date.now();
    for (const out of this.outbox.values()) {
      if (out.sentOn && now - out.sentAt > this.opts.resendAfterMs) {
        out.sentOn = undefined;
        this.transmit(out);
      }
    }
  }

  private hold(m: MessageView, live: boolean): void {
    const byId = this.received.get(m.roomId) ?? new Map<string, MessageView>();
    this.received.set(m.roomId, byId);
    if (byId.has(m.id)) {
      if (live) this.duplicates++;
      return;
    }
    byId.set(m.id, m);
    const seqs = this.seqs.get(m.roomId) ?? new Set<number>();
    this.seqs.set(m.roomId, seqs);
    if (seqs.has(m.seq)) this.seqConflicts.push(`${m.roomId}#${m.seq}`);
    seqs.add(m.seq);
    let last = this.contiguous.get(m.roomId) ?? 0;
    while (seqs.has(last + 1)) last++;
    this.contiguous.set(m.roomId, last);
    // A gap: something passed us by (e.g. while reconnecting). History has it.
    if (live && m.seq > last + 1 && this.watched.has(m.roomId))
      void this.resync(m.roomId).catch(() => undefined);
  }

  /** One resync per room at a time; pages until `hasMore` is false, retrying HTTP failures. */
  private resync(roomId: string): Promise<void> {
    const running = this.resyncing.get(roomId);
    if (running) return running.then(() => this.resync(roomId));
    const job = (async () => {
      this.resyncs++;
      for (let failures = 0; ;) {
        const res = await api<{ messages: MessageView[]; hasMore: boolean }>(
          this.opts.baseUrl,
          'GET',
          `/api/v1/rooms/${roomId}/messages?afterSeq=${this.lastSeq(roomId)}&limit=100`,
          { token: this.opts.token },
        ).catch((err: Error) => ({ status: 0, body: { messages: [], hasMore: true }, error: err }));
        if (res.status !== 200) {
          if (++failures > 20)
            throw new Error(`${this.label}: resync of ${roomId} keeps failing (${res.status})`);
          await new Promise((r) => setTimeout(r, 100 * failures));
          continue;
        }
        const before = this.lastSeq(roomId);
        for (const m of res.body.messages) this.hold(m, false);
        if (!res.body.hasMore) return;
        if (this.lastSeq(roomId) === before)
          throw new Error(`${this.label}: history of ${roomId} has a gap after seq ${before}`);
      }
    })().finally(() => this.resyncing.delete(roomId));
    this.resyncing.set(roomId, job);
    return job;
  }
}

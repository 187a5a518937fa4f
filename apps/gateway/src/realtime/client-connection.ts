import { Socket } from 'node:net';
import WebSocket from 'ws';
import { ErrorFrame, ServerFrame, WsCloseCodes } from '@app/contracts';
import { AccessClaims } from '@app/common';

const TEXT_FRAME = { binary: false } as const;

/** One browser tab or device: its socket, who it is, and its send budget. */
export class ClientConnection {
  /** When the client last sent anything (a frame or a pong). */
  lastSeenAt = Date.now();
  /** Something (a frame or a ping) went to the client since its last heartbeat check. */
  sentSinceCheck = true;
  /** The client said its user is away from this device (tab hidden, idle). */
  away = false;
  private tokens: number;
  private tokensAt = Date.now();
  private corked = false;

  constructor(
    readonly id: string,
    readonly user: AccessClaims,
    private readonly ws: WebSocket,
    private readonly limits: { maxBufferedBytes: number; framesPerSecond: number; burst: number },
  ) {
    this.tokens = limits.burst;
  }

  get userId(): string {
    return this.user.sub;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  /**
   * Already-serialised frames go out as they are, so a fan-out serialises once. A broker event
   * goes out as the bytes it arrived in (a text frame): a string would be measured and encoded
   * again for every socket. A client that cannot keep up is cut off rather than buffered without
   * bound; it resyncs on return.
   */
  sendRaw(data: string | Buffer): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.close(WsCloseCodes.SLOW_CONSUMER, 'slow consumer: reconnect and resync');
      return;
    }
    this.corkUntilTickEnds();
    if (typeof data === 'string') this.ws.send(data);
    else this.ws.send(data, TEXT_FRAME);
    this.sentSinceCheck = true;
  }

  /**
   * Frames sent to this socket in one turn of the event loop (a broker read can carry many
   * events for the same room) leave in one write: each write to a socket is a system call and,
   * on loopback, the receiver's whole TCP path. `ws` corks around each frame on its own; this
   * holds the socket corked until the turn's synchronous work is done.
   */
  private corkUntilTickEnds(): void {
    if (this.corked) return;
    const socket = (this.ws as unknown as { _socket?: Socket })._socket;
    if (!socket) return;
    socket.cork();
    this.corked = true;
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  sendError(frame: Omit<ErrorFrame, 'type'>): void {
    this.send({ type: 'error', ...frame });
  }

  /** Token bucket: true when the frame may be processed. */
  takeFrameToken(now = Date.now()): boolean {
    this.tokens = Math.min(
      this.limits.burst,
      this.tokens + ((now - this.tokensAt) / 1000) * this.limits.framesPerSecond,
    );
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private readonly typingAnnouncedAt = new Map<string, number>();

  /** True when a "typing" for this room may go out now (at most one per interval per room). */
  mayAnnounceTyping(roomId: string, minIntervalMs: number, now = Date.now()): boolean {
    const last = this.typingAnnouncedAt.get(roomId);
    if (last !== undefined && now - last < minIntervalMs) return false;
    this.typingAnnouncedAt.set(roomId, now);
    return true;
  }

  clearTyping(roomId: string): void {
    this.typingAnnouncedAt.delete(roomId);
  }

  ping(): void {
    if (!this.open) return;
    this.ws.ping();
    this.sentSinceCheck = true;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }
}

import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import {
  AuthErrorCode,
  CommonErrorCode,
  ErrorPayload,
  Limits,
  WS_PATH,
  WS_PROTOCOL,
  WS_TOKEN_PROTOCOL_PREFIX,
  WsCloseCodes,
} from '@app/contracts';
import { AccessClaims, AppException, Metrics, uuidv7, verifyAccessToken, runWithContext } from '@app/common';
import { RevocationService } from '../auth/revocation.service';
import { GatewayConfig } from '../gateway.config';
import { ClientConnection } from './client-connection';
import { DeliveryService } from './delivery.service';
import { FrameDispatcher } from './frame-dispatcher';
import { HeartbeatWheel, heartbeatVerdict } from './heartbeat-wheel';
import { PresenceReporter } from './presence-reporter.service';

/**
 * The WebSocket endpoint. The access token travels in the subprotocol list (browsers cannot set
 * headers on a WebSocket, and a query string ends up in logs); it is checked before the upgrade,
 * so a bad token never gets a socket. The first frame a client sees is `hello`, sent only once
 * its user and rooms are bound to this gateway's queue: from then on nothing said in its rooms
 * can pass it by.
 */
@Injectable()
export class RealtimeServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Realtime');
  private wss?: WebSocketServer;
  private heartbeat?: NodeJS.Timeout;
  /** Every socket is checked once per heartbeat interval, a fiftieth of them at a time. */
  private readonly heartbeats: HeartbeatWheel<ClientConnection>;
  private accepting = true;
  private readonly allowedOrigins: Set<string>;
  private readonly connections;
  private readonly closes;

  constructor(
    private readonly config: GatewayConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly delivery: DeliveryService,
    private readonly frames: FrameDispatcher,
    private readonly presence: PresenceReporter,
    private readonly revocation: RevocationService,
    metrics: Metrics,
  ) {
    this.allowedOrigins = new Set(
      config.CORS_ORIGINS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    this.heartbeats = new HeartbeatWheel(50, config.WS_HEARTBEAT_INTERVAL_MS);
    this.connections = metrics.gauge('happychat_gateway_connections', 'Open WebSocket connections');
    this.closes = metrics.counter('happychat_gateway_closes_total', 'WebSocket closes by code', ['code']);
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: Limits.WS_FRAME_MAX_BYTES,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
    // A revoked session loses its sockets within moments, on whichever gateway they are.
    this.revocation.onRevoked(({ userId, sessionId }) => {
      for (const conn of this.delivery.directory.connectionsOf(userId)) {
        if (conn.user.sid === sessionId) conn.close(WsCloseCodes.UNAUTHORIZED, 'session revoked');
      }
    });
    const interval = this.config.WS_HEARTBEAT_INTERVAL_MS;
    this.heartbeat = setInterval(() => this.checkHeartbeats(interval), this.heartbeats.tickMs);
    this.heartbeat.unref();
  }

  /** Tell every client to reconnect (elsewhere, or here after the restart) and stop taking new ones. */
  async beforeApplicationShutdown(): Promise<void> {
    this.accepting = false;
    clearInterval(this.heartbeat);
    for (const conn of this.delivery.directory.allConnections())
      conn.close(WsCloseCodes.GOING_AWAY, 'server restarting');
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH) {
      socket.destroy();
      return;
    }
    if (!this.accepting)
      return this.refuse(socket, 503, {
        code: CommonErrorCode.SERVICE_UNAVAILABLE,
        message: 'Server restarting',
      });
    if (!this.originAllowed(req)) {
      return this.refuse(socket, 403, { code: AuthErrorCode.FORBIDDEN, message: 'Origin not allowed' });
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim());
    const tokenEntry = offered.find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX));
    if (!offered.includes(WS_PROTOCOL)) {
      return this.refuse(socket, 400, {
        code: CommonErrorCode.VALIDATION_FAILED,
        message: `Subprotocol ${WS_PROTOCOL} required`,
      });
    }
    let claims: AccessClaims;
    try {
      if (!tokenEntry)
        throw new AppException(
          AuthErrorCode.TOKEN_MISSING,
          `Send the access token as subprotocol ${WS_TOKEN_PROTOCOL_PREFIX}<token>`,
        );
      claims = verifyAccessToken(tokenEntry.slice(WS_TOKEN_PROTOCOL_PREFIX.length), this.config.JWT_SECRET);
    } catch (err) {
      const e =
        err instanceof AppException
          ? err
          : new AppException(AuthErrorCode.TOKEN_INVALID, 'Access token is not valid');
      return this.refuse(socket, 401, e.toPayload());
    }
    this.revocation.assertActive(claims).then(
      () => this.wss?.handleUpgrade(req, socket, head, (ws) => void this.onConnection(ws, claims)),
      (err: unknown) =>
        this.refuse(
          socket,
          401,
          err instanceof AppException
            ? err.toPayload()
            : { code: CommonErrorCode.INTERNAL, message: 'Internal error' },
        ),
    );
  }

  private async onConnection(ws: WebSocket, claims: AccessClaims): Promise<void> {
    const conn = new ClientConnection(uuidv7(), claims, ws, {
      maxBufferedBytes: this.config.WS_MAX_BUFFERED_BYTES,
      framesPerSecond: this.config.WS_FRAMES_PER_SECOND,
      burst: this.config.WS_FRAME_BURST,
    });
    const directory = this.delivery.directory;
    // Frames that arrive before `hello` wait, in order, for the user's rooms to be bound.
    let ready: Promise<void> = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      conn.lastSeenAt = Date.now();
      // Each frame is its own piece of work with its own correlation id.
      ready = ready
        .then(() => runWithContext(undefined, () => this.frames.handle(conn, data as Buffer, isBinary)))
        .catch(() => undefined);
    });
    ws.on('pong', () => (conn.lastSeenAt = Date.now()));
    ws.on('error', (err) => this.logger.debug(`socket ${conn.id}: ${err.message}`));
    ws.on('close', (code) => {
      this.heartbeats.delete(conn);
      this.closes.inc({ code: String(code) });
      this.connections.dec();
      if (directory.removeConnection(conn))
        void this.delivery.detachIfIdle(conn.userId).catch(() => undefined);
      // The last socket gone (or the last active one) is a change to report now, not at the next
      // full report: push notifications go to users with no device connected.
      this.presence.userChanged(conn.userId);
    });
    directory.addConnection(conn);
    this.heartbeats.add(conn);
    this.connections.inc();
    // Revoked between the upgrade check and now.
    if (this.revocation.isRevoked(claims.sid)) {
      conn.close(WsCloseCodes.UNAUTHORIZED, 'session revoked');
      return;
    }
    const attach = this.delivery.ensureAttached(conn.userId);
    ready = attach.catch(() => undefined);
    try {
      await attach;
    } catch (err) {
      this.logger.warn(`could not bind the rooms of ${conn.userId}: ${(err as Error).message}`);
      conn.close(WsCloseCodes.SERVER_ERROR, 'temporarily unavailable: retry');
      return;
    }
    this.presence.userChanged(conn.userId);
    conn.send({
      type: 'hello',
      protocol: WS_PROTOCOL,
      userId: conn.userId,
      connectionId: conn.id,
      heartbeatIntervalMs: this.config.WS_HEARTBEAT_INTERVAL_MS,
    });
  }

  /** The sockets whose check has come: ping the quiet ones, close the dead ones. */
  private checkHeartbeats(interval: number): void {
    const now = Date.now();
    for (const conn of this.heartbeats.due(now)) {
      const verdict = heartbeatVerdict(now - conn.lastSeenAt, conn.sentSinceCheck, interval);
      conn.sentSinceCheck = false;
      if (verdict === 'dead') {
        conn.close(WsCloseCodes.HEARTBEAT_TIMEOUT, 'heartbeat timeout');
        setTimeout(() => conn.terminate(), 1000).unref();
      } else if (verdict === 'ping') {
        conn.ping();
      }
    }
  }

  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true; // not a browser: browsers always send Origin on a WebSocket
    try {
      if (new URL(origin).host === req.headers.host) return true;
    } catch {
      return false;
    }
    return this.allowedOrigins.has(origin);
  }

  private refuse(socket: Duplex, status: number, body: ErrorPayload): void {
    const json = JSON.stringify(body);
    const reason =
      { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' }[status] ??
      'Error';
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
}

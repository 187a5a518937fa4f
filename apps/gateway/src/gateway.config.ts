import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { BaseConfig } from '@app/common';

export class GatewayConfig extends BaseConfig {
  override HTTP_PORT: number = 3000;

  /** Verifies access tokens locally (signed by the auth service with the same secret). */
  @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' }) JWT_SECRET = '';

  /** The built web client (npm run build:web). Relative paths resolve from the working directory. */
  @IsString() WEB_DIST_DIR = 'dist/web';

  /** Names this instance's delivery queue; random when empty. */
  @IsString() GATEWAY_INSTANCE_ID = '';

  @IsInt() @Min(1000) @Max(300000) WS_HEARTBEAT_INTERVAL_MS: number = 25000;

  /**
   * Broker messages this gateway's queue holds while the gateway falls behind (a user event, or
   * the room events one publisher gathered in a turn: up to 128); past it, or past
   * GATEWAY_QUEUE_MAX_BYTES, the oldest are dropped, the gateway notices and starts over (its
   * sockets reconnect and resync).
   */
  @IsInt() @Min(10) @Max(10_000_000) GATEWAY_QUEUE_MAX_EVENTS: number = 100_000;

  /** The same bound in bytes of message bodies, so a backlog of large messages stays bounded too. */
  @IsInt() @Min(65536) GATEWAY_QUEUE_MAX_BYTES: number = 64 * 1024 * 1024;

  /** A socket whose unsent data passes this is closed as a slow consumer (it resyncs on return). */
  @IsInt() @Min(65536) WS_MAX_BUFFERED_BYTES: number = 4 * 1024 * 1024;

  /** Frames a socket may send per second (sustained) and in a burst. */
  @IsInt() @Min(1) WS_FRAMES_PER_SECOND: number = 20;
  @IsInt() @Min(1) WS_FRAME_BURST: number = 60;

  /**
   * A room whose gap since the client's last seq is larger than this gets `reload: true` in
   * `sync.result` instead of the messages: loading the newest page is cheaper for both sides.
   */
  @IsInt() @Min(100) @Max(100000) RESYNC_MAX_MESSAGES: number = 1000;

  /** How often this gateway reports everyone connected to it; entries live three intervals. */
  @IsInt() @Min(1000) @Max(120000) PRESENCE_REPORT_INTERVAL_MS: number = 10000;

  /** A socket publishes "typing" for a room at most this often; stops always go through. */
  @IsInt() @Min(0) @Max(60000) TYPING_MIN_INTERVAL_MS: number = 2000;

  /** Extra browser origins allowed for CORS and WebSocket (comma separated). Same-origin always works. */
  @IsString() CORS_ORIGINS = '';

  @IsString() HTTP_BODY_LIMIT = '1mb';

  /**
   * How many reverse proxies stand in front of the gateway. 0: X-Forwarded-For is ignored and the
   * client is the socket's peer. N: the address N hops back in X-Forwarded-For is the client.
   */
  @IsInt() @Min(0) @Max(10) TRUST_PROXY: number = 0;

  /** Largest avatar upload accepted, in bytes (the auth service enforces its own copy too). */
  @IsInt() @Min(1024) @Max(16 * 1024 * 1024) AVATAR_MAX_BYTES: number = 2 * 1024 * 1024;

  /** Largest message image accepted, in bytes (the room service enforces its own copy too). */
  @IsInt() @Min(1024) @Max(16 * 1024 * 1024) ATTACHMENT_MAX_BYTES: number = 10 * 1024 * 1024;

  /** How long a session found active by the auth service is trusted without asking again, in ms. */
  @IsInt() @Min(0) @Max(60_000) SESSION_CHECK_TTL_MS: number = 10_000;
}

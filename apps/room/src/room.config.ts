import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { BaseConfig } from '@app/common';

/** `true`/`1`/`yes` turn a flag on; anything else (or unset) leaves it off. */
const envFlag = () =>
  Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
    const raw = obj[key];
    return raw === true || (typeof raw === 'string' && /^(1|true|yes|on)$/i.test(raw.trim()));
  });

/** Any VAPID variable set means push is wanted, and then all three must be valid. */
const vapidWanted = (c: RoomConfig): boolean =>
  c.VAPID_PUBLIC_KEY !== '' || c.VAPID_PRIVATE_KEY !== '' || c.VAPID_SUBJECT !== '';

export class RoomConfig extends BaseConfig {
  // Explicit types so the decorator metadata says Number even when compiled file by file
  // (ts-jest isolatedModules); turning env strings into numbers relies on it.
  @IsInt() @Min(0) @Max(65535) override HTTP_PORT: number = 3002;

  /** Messages a user may send per second, over all devices (sustained), and in a burst. */
  @IsInt() @Min(1) @Max(10000) SEND_RATE_PER_SECOND: number = 10;
  @IsInt() @Min(1) @Max(100000) SEND_BURST: number = 30;

  /** More words to mask in rooms with the profanity filter on (comma separated; see libs/text). */
  @IsString() PROFANITY_EXTRA_WORDS: string = '';

  /** Words never to mask even though they contain a listed one (comma separated). */
  @IsString() PROFANITY_ALLOW_WORDS: string = '';

  /**
   * Special words and the effect each attaches, e.g. `축하=confetti,congrats=confetti`. Empty uses
   * the built-in list (축하/congrats → confetti, 사랑해 → hearts, 생일 → balloons, 새해 → fireworks).
   */
  @IsString() SPECIAL_WORD_EFFECTS: string = '';

  /** How often expired presence sessions (a gateway that stopped reporting) are swept. */
  @IsInt() @Min(100) @Max(60000) PRESENCE_SWEEP_INTERVAL_MS: number = 5000;

  /** Members a group room may hold; joins beyond it are refused with `room.full`. */
  @IsInt() @Min(2) @Max(100000) ROOM_MEMBER_CAP: number = 100;

  /** Members a topic room holds unless its creator chose another cap. */
  @IsInt() @Min(2) @Max(100000) TOPIC_ROOM_MEMBER_CAP: number = 20;

  /** A user is in at most one topic room: joining one leaves the previous one. */
  @envFlag() @IsBoolean() ONE_ROOM_AT_A_TIME: boolean = false;

  /** How long an invite link lives unless its creator says otherwise. */
  @IsInt() @Min(60) @Max(30 * 24 * 3600) INVITE_LINK_TTL_SECONDS: number = 7 * 24 * 3600;

  /**
   * How long a membership change waits for its broker operations (bindings and events) before
   * answering `common.service_unavailable`. The change is saved either way and the outbox relay
   * finishes it; the caller just does not get an acknowledgement it could not honour.
   */
  @IsInt() @Min(100) @Max(60000) OUTBOX_ACK_TIMEOUT_MS: number = 3000;

  /** How often the outbox relay looks for operations left behind (crash, broker outage). */
  @IsInt() @Min(10) @Max(60000) OUTBOX_POLL_INTERVAL_MS: number = 1000;

  /** Ceiling of the relay's exponential backoff for an operation that keeps failing. */
  @IsInt() @Min(10) @Max(3600000) OUTBOX_MAX_BACKOFF_MS: number = 30000;

  /**
   * Web push (VAPID, RFC 8292): all three or none. Unset turns push off (the web client then hides
   * the option). Keys as \`npx web-push generate-vapid-keys\` prints them (base64url); the subject is
   * how push services reach the operator: \`mailto:...\` or \`https://...\`.
   */
  @ValidateIf(vapidWanted)
  @Matches(/^B[A-Za-z0-9_-]{86}$/, {
    message: 'VAPID_PUBLIC_KEY must be a base64url P-256 public key (87 characters)',
  })
  VAPID_PUBLIC_KEY: string = '';
  @ValidateIf(vapidWanted)
  @Matches(/^[A-Za-z0-9_-]{43}$/, {
    message: 'VAPID_PRIVATE_KEY must be a base64url P-256 private key (43 characters)',
  })
  VAPID_PRIVATE_KEY: string = '';
  @ValidateIf(vapidWanted)
  @Matches(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/[^\s/]+\S*)$/, {
    message: 'VAPID_SUBJECT must be a mailto: address or an https: URL',
  })
  VAPID_SUBJECT: string = '';

  /** Seconds a push service keeps an undelivered notification (chat is stale after a while). */
  @IsInt() @Min(0) @Max(7 * 24 * 3600) PUSH_TTL_SECONDS: number = 3600;

  /** Tests only: accept http://127.0.0.1 and http://localhost subscription endpoints (a fake push service). */
  @envFlag() @IsBoolean() PUSH_ALLOW_HTTP_LOCALHOST: boolean = false;

  /** Largest message image accepted, in bytes (the gateway refuses larger bodies first). */
  @IsInt() @Min(1024) @Max(16 * 1024 * 1024) ATTACHMENT_MAX_BYTES: number = 10 * 1024 * 1024;

  /** Uploads never sent in a message are deleted after this many hours. */
  @IsInt() @Min(1) @Max(24 * 30) ATTACHMENT_UNSENT_TTL_HOURS: number = 24;

  get pushEnabled(): boolean {
    return this.VAPID_PUBLIC_KEY !== '';
  }
}

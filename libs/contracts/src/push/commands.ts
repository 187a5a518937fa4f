import { Type } from 'class-transformer';
import { Equals, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { IsId } from '../ids';

/**
 * Web push subscriptions (room service, which knows members and presence, stores and sends).
 * The browser's PushSubscription as `toJSON()` gives it: an endpoint URL at the browser vendor's
 * push service and the two keys the payload is encrypted to (RFC 8291).
 */
export const PushLimits = {
  ENDPOINT_MAX: 2048,
  /** base64url of an uncompressed P-256 point: 65 bytes. Padding ('=') is tolerated. */
  P256DH_BYTES: 65,
  /** base64url of the 16-byte auth secret. */
  AUTH_BYTES: 16,
} as const;

export const PushCommands = {
  PUSH_CONFIG_GET: 'push.config.get',
  PUSH_SUBSCRIBE: 'push.subscribe',
  PUSH_UNSUBSCRIBE: 'push.unsubscribe',
} as const;

export class PushSubscriptionKeys {
  @IsString() @Length(1, 128) p256dh: string;
  @IsString() @Length(1, 64) auth: string;
}

/** Whether web push is configured, and the VAPID public key browsers subscribe with. */
export class PushConfigGetCommand {
  static readonly TYPE = PushCommands.PUSH_CONFIG_GET;
  @Equals(PushCommands.PUSH_CONFIG_GET) type: typeof PushCommands.PUSH_CONFIG_GET;
  @Equals(1) v: 1;
}

/** Store this device's subscription (one per session; an endpoint belongs to its latest session). */
export class PushSubscribeCommand {
  static readonly TYPE = PushCommands.PUSH_SUBSCRIBE;
  @Equals(PushCommands.PUSH_SUBSCRIBE) type: typeof PushCommands.PUSH_SUBSCRIBE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() sessionId: string;
  @IsString() @MaxLength(PushLimits.ENDPOINT_MAX) endpoint: string;
  @ValidateNested() @Type(() => PushSubscriptionKeys) keys: PushSubscriptionKeys;
}

/** Forget this session's subscription (idempotent). */
export class PushUnsubscribeCommand {
  static readonly TYPE = PushCommands.PUSH_UNSUBSCRIBE;
  @Equals(PushCommands.PUSH_UNSUBSCRIBE) type: typeof PushCommands.PUSH_UNSUBSCRIBE;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() sessionId: string;
}

export interface PushConfigView {
  enabled: boolean;
  /** The VAPID public key (base64url), when enabled: `applicationServerKey` for `pushManager.subscribe`. */
  publicKey: string | null;
}

/**
 * What a push message carries (encrypted to the subscription's keys; kept small: push services
 * cap payloads at about 4 KB). The service worker turns it into a notification.
 */
export interface PushMessagePayload {
  kind: 'message';
  roomId: string;
  messageId: string;
  /** Room name; empty for a direct room (the sender's name stands for it). */
  roomName: string;
  senderName: string;
  /** The start of the text, at most PUSH_PREVIEW_MAX characters. */
  preview: string;
}

export const PUSH_PREVIEW_MAX = 120;

export interface PushCommandResults {
  [PushCommands.PUSH_CONFIG_GET]: PushConfigView;
  [PushCommands.PUSH_SUBSCRIBE]: { subscribed: true };
  [PushCommands.PUSH_UNSUBSCRIBE]: { removed: boolean };
}

export const PushCommandClasses = {
  [PushCommands.PUSH_CONFIG_GET]: PushConfigGetCommand,
  [PushCommands.PUSH_SUBSCRIBE]: PushSubscribeCommand,
  [PushCommands.PUSH_UNSUBSCRIBE]: PushUnsubscribeCommand,
} as const;

import { Equals, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import type { ErrorDetail, ErrorCode } from './errors';
import type { DomainEvent } from './events';
import { Limits } from './limits';
import { IsWellFormedText, MaxCodePoints } from './validators';
import type { MessageView } from './views';

/**
 * WebSocket frames: JSON text frames, one object each, keyed by `type`. The protocol version is
 * the negotiated subprotocol (`happychat.v1`). Every client frame carries an `id` chosen by the
 * client; the answer to it (`*.ack`, `pong` or `error`) repeats that `id`.
 */
export const ClientFrames = {
  MESSAGE_SEND: 'message.send',
  PING: 'ping',
} as const;
export type ClientFrameType = (typeof ClientFrames)[keyof typeof ClientFrames];

export const ServerFrames = {
  HELLO: 'hello',
  MESSAGE_ACK: 'message.ack',
  PONG: 'pong',
  ERROR: 'error',
} as const;

const RequestId = () => Length(1, Limits.REQUEST_ID_MAX);

export class MessageSendFrame {
  @Equals(ClientFrames.MESSAGE_SEND) type: typeof ClientFrames.MESSAGE_SEND;
  @IsString() @RequestId() id: string;
  @IsUUID('all') roomId: string;
  @IsString()
  @Length(1, Limits.CLIENT_MSG_ID_MAX)
  @Matches(/^[\x21-\x7e]+$/, { message: 'clientMsgId must be printable ASCII' })
  clientMsgId: string;
  @IsOptional() @IsIn(['text']) kind?: 'text';
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'content must not be blank' })
  @MaxCodePoints(Limits.MESSAGE_MAX_CHARS)
  content: string;
}

export class PingFrame {
  @Equals(ClientFrames.PING) type: typeof ClientFrames.PING;
  @IsString() @RequestId() id: string;
}

export const ClientFrameClasses = {
  [ClientFrames.MESSAGE_SEND]: MessageSendFrame,
  [ClientFrames.PING]: PingFrame,
} as const;

export interface HelloFrame {
  type: typeof ServerFrames.HELLO;
  protocol: string;
  userId: string;
  connectionId: string;
  /** Send a ping at least this often; the server closes silent sockets after twice as long. */
  heartbeatIntervalMs: number;
}

export interface MessageAckFrame {
  type: typeof ServerFrames.MESSAGE_ACK;
  id: string;
  message: MessageView;
  duplicate: boolean;
}

export interface PongFrame {
  type: typeof ServerFrames.PONG;
  id: string;
}

export interface ErrorFrame {
  type: typeof ServerFrames.ERROR;
  /** The client frame this answers, when it could be read. */
  id?: string;
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
}

/** Events reach the browser as they are on the broker. */
export type ServerFrame = HelloFrame | MessageAckFrame | PongFrame | ErrorFrame | DomainEvent;

/** Close codes the server uses (4000-4999 are the application's range). */
export const WsCloseCodes = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  TOO_BIG: 1009,
  SERVER_ERROR: 1011,
  /** Heartbeat missed: reconnect and resync. */
  HEARTBEAT_TIMEOUT: 4000,
  /** The token stopped being valid: log in again. */
  UNAUTHORIZED: 4001,
  /** The client could not keep up: reconnect and resync. */
  SLOW_CONSUMER: 4002,
} as const;

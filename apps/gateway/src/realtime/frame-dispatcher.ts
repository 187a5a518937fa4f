import { Injectable } from '@nestjs/common';
import {
  ClientFrameClasses,
  ClientFrames,
  CommonErrorCode,
  ContractValidationError,
  GatewayErrorCode,
  Limits,
  MessageDeleteFrame,
  MessageEditFrame,
  MessageReactFrame,
  MessageSendFrame,
  parseContract,
  Commands,
  RealtimeEvents,
  RoomErrorCode,
  PresenceFrame,
  ReadFrame,
  SyncFrame,
  TypingFrame,
} from '@app/contracts';
import { Metrics, toErrorPayload, uuidv7 } from '@app/common';
import type { Counter } from 'prom-client';
import { EventPublisher, RpcClient } from '@app/messaging';
import { GatewayConfig } from '../gateway.config';
import { refuseDeepJson } from '../errors/json-depth';
import { ClientConnection } from './client-connection';
import { LocalDirectory } from './local-directory';
import { PresenceReporter } from './presence-reporter.service';
import { ResyncService } from './resync.service';

/**
 * Reads one client frame and answers it. Whatever is wrong with a frame, the answer is an error
 * frame naming the request (when its id could be read) and the socket stays open.
 */
@Injectable()
export class FrameDispatcher {
  constructor(
    private readonly rpc: RpcClient,
    private readonly resync: ResyncService,
    private readonly events: EventPublisher,
    private readonly directory: LocalDirectory,
    private readonly config: GatewayConfig,
    private readonly presence: PresenceReporter,
    metrics: Metrics,
  ) {
    this.frameCount = metrics.counter('happychat_gateway_frames_total', 'Client frames by type', ['type']);
  }

  private readonly frameCount: Counter<string>;

  async handle(
    conn: ClientConnection,
    data: Buffer | ArrayBuffer | Buffer[],
    isBinary: boolean,
  ): Promise<void> {
    if (isBinary) {
      conn.sendError({ code: GatewayErrorCode.BINARY_NOT_SUPPORTED, message: 'Send JSON text frames' });
      return;
    }
    if (!conn.takeFrameToken()) {
      conn.sendError({ code: CommonErrorCode.RATE_LIMITED, message: 'Too many frames: slow down' });
      return;
    }
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    let frame: unknown;
    try {
      refuseDeepJson(null, null, bytes);
      frame = JSON.parse(bytes.toString('utf8'));
    } catch {
      conn.sendError({ code: GatewayErrorCode.MALFORMED_FRAME, message: 'Frame is not valid JSON' });
      return;
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame)) {
      conn.sendError({
        code: GatewayErrorCode.MALFORMED_FRAME,
        message: 'Frame must be a JSON object with a "type"',
      });
      return;
    }
    const { type, id: rawId } = frame as { type?: unknown; id?: unknown };
    const id =
      typeof rawId === 'string' && rawId.length > 0 && rawId.length <= Limits.REQUEST_ID_MAX
        ? rawId
        : undefined;
    const cls =
      typeof type === 'string' && Object.hasOwn(ClientFrameClasses, type)
        ? (ClientFrameClasses as Record<string, new () => object>)[type]
        : undefined;
    this.frameCount.inc({ type: cls ? (type as string) : 'unknown' });
    if (!cls) {
      conn.sendError({
        id,
        code: GatewayErrorCode.UNKNOWN_FRAME_TYPE,
        message:
          typeof type === 'string' ? `Unknown frame type "${type.slice(0, 64)}"` : 'Frame has no "type"',
      });
      return;
    }
    try {
      const parsed = parseContract(cls, frame);
      await this.route(conn, parsed);
    } catch (err) {
      const payload =
        err instanceof ContractValidationError
          ? { code: err.code, message: err.message, details: err.details }
          : toErrorPayload(err);
      conn.sendError({ id, ...payload });
    }
  }

  private async route(conn: ClientConnection, frame: object): Promise<void> {
    if (frame instanceof MessageSendFrame) {
      const result = await this.rpc.request(Commands.MESSAGE_SEND, {
        actorId: conn.userId,
        roomId: frame.roomId,
        clientMsgId: frame.clientMsgId,
        kind: frame.kind ?? 'text',
        content: frame.content,
        ...(frame.replyToId ? { replyToId: frame.replyToId } : {}),
        ...(frame.attachmentIds ? { attachmentIds: frame.attachmentIds } : {}),
      });
      conn.send({ type: 'message.ack', id: frame.id, message: result.message, duplicate: result.duplicate });
      return;
    }
    if (frame instanceof MessageEditFrame || frame instanceof MessageDeleteFrame) {
      const ref = { actorId: conn.userId, roomId: frame.roomId, messageId: frame.messageId };
      const message =
        frame instanceof MessageEditFrame
          ? await this.rpc.request(Commands.MESSAGE_EDIT, { ...ref, content: frame.content })
          : await this.rpc.request(Commands.MESSAGE_DELETE, ref);
      conn.send({ type: 'message.ack', id: frame.id, message, duplicate: false });
      return;
    }
    if (frame instanceof MessageReactFrame) {
      const input = {
        actorId: conn.userId,
        roomId: frame.roomId,
        messageId: frame.messageId,
        emoji: frame.emoji,
      };
      const reactions = await this.rpc.request(
        frame.add ? Commands.MESSAGE_REACTION_ADD : Commands.MESSAGE_REACTION_REMOVE,
        input,
      );
      conn.send({ type: 'reaction.ack', id: frame.id, reactions });
      return;
    }
    if (frame instanceof SyncFrame) {
      const rooms = await this.resync.sync(conn.userId, frame.rooms);
      conn.send({ type: 'sync.result', id: frame.id, rooms });
      return;
    }
    if (frame instanceof PresenceFrame) {
      conn.away = frame.status === 'away';
      this.presence.userChanged(conn.userId);
      return;
    }
    if (frame instanceof ReadFrame) {
      await this.rpc.request(Commands.READ_MARK, {
        actorId: conn.userId,
        roomId: frame.roomId,
        seq: frame.seq,
      });
      return;
    }
    if (frame instanceof TypingFrame) {
      await this.typing(conn, frame);
      return;
    }
    const { type, id } = frame as { type: string; id: string };
    if (type === ClientFrames.PING) conn.send({ type: 'pong', id });
  }

  /**
   * Typing never touches a database: membership comes from this gateway's directory (fed by
   * the membership events), and the indicator goes to the room as a transient event.
   */
  private async typing(conn: ClientConnection, frame: TypingFrame): Promise<void> {
    if (!this.directory.isMember(conn.userId, frame.roomId)) {
      conn.sendError({
        id: frame.id,
        code: RoomErrorCode.NOT_MEMBER,
        message: 'You are not a member of this room',
      });
      return;
    }
    if (frame.active && !conn.mayAnnounceTyping(frame.roomId, this.config.TYPING_MIN_INTERVAL_MS)) return;
    if (!frame.active) conn.clearTyping(frame.roomId);
    await this.events.publishRoomEvent(frame.roomId, conn.userId, {
      type: RealtimeEvents.ROOM_TYPING,
      v: 1,
      eventId: uuidv7(),
      occurredAt: new Date().toISOString(),
      roomId: frame.roomId,
      userId: conn.userId,
      active: frame.active,
    });
  }
}

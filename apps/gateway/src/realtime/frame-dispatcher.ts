import { Injectable } from '@nestjs/common';
import {
  ClientFrameClasses,
  ClientFrames,
  CommonErrorCode,
  ContractValidationError,
  GatewayErrorCode,
  Limits,
  MessageSendFrame,
  parseContract,
  Commands,
} from '@app/contracts';
import { toErrorPayload } from '@app/common';
import { RpcClient } from '@app/messaging';
import { ClientConnection } from './client-connection';

/**
 * Reads one client frame and answers it. Whatever is wrong with a frame, the answer is an error
 * frame naming the request (when its id could be read) and the socket stays open.
 */
@Injectable()
export class FrameDispatcher {
  constructor(private readonly rpc: RpcClient) {}

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
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    let frame: unknown;
    try {
      frame = JSON.parse(text);
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
      typeof type === 'string' ? (ClientFrameClasses as Record<string, new () => object>)[type] : undefined;
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
        kind: 'text',
        content: frame.content,
      });
      conn.send({ type: 'message.ack', id: frame.id, message: result.message, duplicate: result.duplicate });
      return;
    }
    const { type, id } = frame as { type: string; id: string };
    if (type === ClientFrames.PING) conn.send({ type: 'pong', id });
  }
}

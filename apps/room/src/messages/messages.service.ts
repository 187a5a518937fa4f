import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import {
  Commands,
  CommonErrorCode,
  Limits,
  MessageKind,
  MessagePageView,
  SendResultView,
} from '@app/contracts';
import { AppException, Metrics } from '@app/common';
import { RpcClient } from '@app/messaging';
import { RoomsService } from '../rooms/rooms.service';

export interface SendMessageInput {
  actorId: string;
  roomId: string;
  clientMsgId: string;
  kind: MessageKind;
  content: string;
}

export interface ListMessagesInput {
  actorId: string;
  roomId: string;
  beforeSeq?: number;
  afterSeq?: number;
  limit?: number;
}

type SendResult = 'ok' | 'duplicate' | 'refused' | 'failed';

/** Refusals carry a context's code (`room.*`, `history.*`); `common.*` means it did not get through. */
function sendResultOf(err: unknown): SendResult {
  const code = err instanceof AppException ? err.code : CommonErrorCode.INTERNAL;
  return code.startsWith('common.') && code !== CommonErrorCode.VALIDATION_FAILED ? 'failed' : 'refused';
}

/**
 * The room service decides who may read and write a room; the history service keeps the log.
 * Every message operation is checked here, then handed to history as an internal command.
 */
@Injectable()
export class MessagesService {
  private readonly sent: Counter<string>;

  constructor(
    private readonly rooms: RoomsService,
    private readonly rpc: RpcClient,
    metrics: Metrics,
  ) {
    this.sent = metrics.counter('happychat_room_messages_sent_total', 'message.send commands by outcome', [
      'result',
    ]);
  }

  async send(input: SendMessageInput, correlationId?: string): Promise<SendResultView> {
    try {
      await this.rooms.requireMember(input.actorId, input.roomId);
      const result = await this.rpc.request(
        Commands.HISTORY_APPEND,
        {
          roomId: input.roomId,
          senderId: input.actorId,
          clientMsgId: input.clientMsgId,
          kind: input.kind,
          content: input.content,
        },
        { correlationId },
      );
      this.sent.inc({ result: result.duplicate ? 'duplicate' : 'ok' });
      return result;
    } catch (err) {
      this.sent.inc({ result: sendResultOf(err) });
      throw err;
    }
  }

  async list(input: ListMessagesInput, correlationId?: string): Promise<MessagePageView> {
    if (input.beforeSeq !== undefined && input.afterSeq !== undefined) {
      throw new AppException(CommonErrorCode.VALIDATION_FAILED, 'Give beforeSeq or afterSeq, not both', [
        { field: 'afterSeq', reason: 'cannot be combined with beforeSeq' },
      ]);
    }
    await this.rooms.requireMember(input.actorId, input.roomId);
    return this.rpc.request(
      Commands.HISTORY_PAGE,
      {
        roomId: input.roomId,
        beforeSeq: input.beforeSeq,
        afterSeq: input.afterSeq,
        limit: input.limit ?? Limits.PAGE_DEFAULT,
      },
      { correlationId },
    );
  }
}

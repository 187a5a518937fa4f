import { Injectable } from '@nestjs/common';
import {
  AppendMessageCommand,
  Commands,
  MessagePageView,
  PageMessagesCommand,
  SendResultView,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { toMessageView } from './messages.mapper';
import { MessagesService } from './messages.service';

@Injectable()
export class MessagesHandler {
  constructor(private readonly messages: MessagesService) {}

  @CommandHandler(Commands.HISTORY_APPEND)
  async append(cmd: AppendMessageCommand): Promise<SendResultView> {
    const { message, duplicate } = await this.messages.append({
      roomId: cmd.roomId,
      senderId: cmd.senderId,
      clientMsgId: cmd.clientMsgId,
      kind: cmd.kind,
      content: cmd.content,
    });
    return { message: toMessageView(message), duplicate };
  }

  @CommandHandler(Commands.HISTORY_PAGE)
  async page(cmd: PageMessagesCommand): Promise<MessagePageView> {
    const { messages, hasMore } = await this.messages.page({
      roomId: cmd.roomId,
      beforeSeq: cmd.beforeSeq,
      afterSeq: cmd.afterSeq,
      limit: cmd.limit,
    });
    return { messages: messages.map(toMessageView), hasMore };
  }
}

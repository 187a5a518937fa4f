import { Injectable } from '@nestjs/common';
import {
  Commands,
  ListMessagesCommand,
  MessagePageView,
  SendMessageCommand,
  SendResultView,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { MessagesService } from './messages.service';

interface CommandMeta {
  correlationId?: string;
}

/** Results come from the history service and are passed on unchanged. */
@Injectable()
export class MessagesHandler {
  constructor(private readonly messages: MessagesService) {}

  @CommandHandler(Commands.MESSAGE_SEND)
  send(cmd: SendMessageCommand, meta?: CommandMeta): Promise<SendResultView> {
    return this.messages.send(cmd, meta?.correlationId);
  }

  @CommandHandler(Commands.MESSAGE_LIST)
  list(cmd: ListMessagesCommand, meta?: CommandMeta): Promise<MessagePageView> {
    return this.messages.list(cmd, meta?.correlationId);
  }
}

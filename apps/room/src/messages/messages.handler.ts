import { Injectable } from '@nestjs/common';
import {
  AddReactionRequestCommand,
  BeginExportCommand,
  Commands,
  DeleteMessageRequestCommand,
  EditMessageRequestCommand,
  ExportInfoView,
  ExportPageRequestCommand,
  GetRetentionRequestCommand,
  ListMessagesCommand,
  MessagePageView,
  MessageSearchView,
  MessageView,
  ReactionsView,
  RemoveReactionRequestCommand,
  ReplayMessagesCommand,
  RetentionView,
  RoomSummariesView,
  SearchMessagesRequestCommand,
  SendMessageCommand,
  SendResultView,
  SetRetentionRequestCommand,
  SummarizeMyRoomsCommand,
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

  @CommandHandler(Commands.MESSAGE_EDIT)
  edit(cmd: EditMessageRequestCommand, meta?: CommandMeta): Promise<MessageView> {
    return this.messages.edit(cmd, meta?.correlationId);
  }

  @CommandHandler(Commands.MESSAGE_DELETE)
  delete(cmd: DeleteMessageRequestCommand, meta?: CommandMeta): Promise<MessageView> {
    return this.messages.delete(cmd, meta?.correlationId);
  }

  @CommandHandler(Commands.MESSAGE_REACTION_ADD)
  addReaction(cmd: AddReactionRequestCommand, meta?: CommandMeta): Promise<ReactionsView> {
    return this.messages.react({ ...cmd, add: true }, meta?.correlationId);
  }

  @CommandHandler(Commands.MESSAGE_REACTION_REMOVE)
  removeReaction(cmd: RemoveReactionRequestCommand, meta?: CommandMeta): Promise<ReactionsView> {
    return this.messages.react({ ...cmd, add: false }, meta?.correlationId);
  }

  @CommandHandler(Commands.MESSAGE_SEARCH)
  search(cmd: SearchMessagesRequestCommand, meta?: CommandMeta): Promise<MessageSearchView> {
    return this.messages.search(cmd, meta?.correlationId);
  }

  @CommandHandler(Commands.MESSAGE_SUMMARY)
  summary(cmd: SummarizeMyRoomsCommand, meta?: CommandMeta): Promise<RoomSummariesView> {
    return this.messages.summary(cmd.actorId, meta?.correlationId);
  }

  @CommandHandler(Commands.MESSAGE_REPLAY)
  replay(cmd: ReplayMessagesCommand, meta?: CommandMeta): Promise<MessagePageView> {
    return this.messages.replay(cmd, meta?.correlationId);
  }

  @CommandHandler(Commands.MESSAGE_EXPORT_BEGIN)
  beginExport(cmd: BeginExportCommand): Promise<ExportInfoView> {
    return this.messages.beginExport(cmd.actorId, cmd.roomId);
  }

  @CommandHandler(Commands.MESSAGE_EXPORT_PAGE)
  exportPage(cmd: ExportPageRequestCommand, meta?: CommandMeta): Promise<MessagePageView> {
    return this.messages.exportPage(cmd, meta?.correlationId);
  }

  @CommandHandler(Commands.MESSAGE_RETENTION_GET)
  getRetention(cmd: GetRetentionRequestCommand): Promise<RetentionView> {
    return this.messages.getRetention(cmd.actorId, cmd.roomId);
  }

  @CommandHandler(Commands.MESSAGE_RETENTION_SET)
  setRetention(cmd: SetRetentionRequestCommand): Promise<RetentionView> {
    return this.messages.setRetention(cmd.actorId, cmd.roomId, cmd.days);
  }
}

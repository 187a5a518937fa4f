import { Injectable } from '@nestjs/common';
import {
  AddReactionCommand,
  AppendMessageCommand,
  Commands,
  DeleteMessageCommand,
  EditMessageCommand,
  ExportPageCommand,
  GetRetentionCommand,
  MessagePageView,
  MessageSearchView,
  MessageView,
  PageMessagesCommand,
  RangeMessagesCommand,
  ReactionsView,
  ReadSpanCommand,
  ReadSpanView,
  RemoveReactionCommand,
  RetentionView,
  RoomSummariesView,
  SearchMessagesCommand,
  SendResultView,
  SetRetentionCommand,
  SummarizeRoomsCommand,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { toMessageView, toPageView, toReactionView, toSummaryView } from './messages.mapper';
import { MessagesService } from './messages.service';
import { ReactionInput, ReactionResult } from './store/history-store';

const time = (iso: string | undefined): Date | undefined => (iso === undefined ? undefined : new Date(iso));

/** Internal commands from the room service, which already decided the caller may do this. */
@Injectable()
export class MessagesHandler {
  constructor(private readonly messages: MessagesService) {}

  @CommandHandler(Commands.HISTORY_APPEND)
  async append(cmd: AppendMessageCommand): Promise<SendResultView> {
    const { message, duplicate } = await this.messages.append(
      {
        roomId: cmd.roomId,
        senderId: cmd.senderId,
        clientMsgId: cmd.clientMsgId,
        kind: cmd.kind,
        content: cmd.content,
        replyToId: cmd.replyToId,
        effects: cmd.effects,
        attachments: cmd.attachments,
      },
      { integrations: cmd.roomHasIntegrations !== false },
    );
    return { message: toMessageView(message), duplicate };
  }

  @CommandHandler(Commands.HISTORY_PAGE)
  async page(cmd: PageMessagesCommand): Promise<MessagePageView> {
    return toPageView(
      await this.messages.page({
        roomId: cmd.roomId,
        beforeSeq: cmd.beforeSeq,
        afterSeq: cmd.afterSeq,
        aroundId: cmd.aroundId,
        limit: cmd.limit,
        viewerId: cmd.viewerId,
        visibleFrom: time(cmd.visibleFrom),
      }),
    );
  }

  @CommandHandler(Commands.HISTORY_RANGE)
  async range(cmd: RangeMessagesCommand): Promise<MessagePageView> {
    return toPageView(
      await this.messages.range({
        roomId: cmd.roomId,
        from: new Date(cmd.from),
        to: new Date(cmd.to),
        afterSeq: cmd.afterSeq,
        limit: cmd.limit,
        includeDeleted: cmd.includeDeleted,
        viewerId: cmd.viewerId,
        visibleFrom: time(cmd.visibleFrom),
      }),
    );
  }

  @CommandHandler(Commands.HISTORY_EDIT)
  async edit(cmd: EditMessageCommand): Promise<MessageView> {
    const { message } = await this.messages.edit({
      roomId: cmd.roomId,
      messageId: cmd.messageId,
      actorId: cmd.actorId,
      content: cmd.content,
    });
    return toMessageView(message);
  }

  @CommandHandler(Commands.HISTORY_DELETE)
  async delete(cmd: DeleteMessageCommand): Promise<MessageView> {
    const { message } = await this.messages.delete({
      roomId: cmd.roomId,
      messageId: cmd.messageId,
      actorId: cmd.actorId,
      moderator: cmd.moderator,
    });
    return toMessageView(message);
  }

  @CommandHandler(Commands.HISTORY_REACTION_ADD)
  async addReaction(cmd: AddReactionCommand): Promise<ReactionsView> {
    return reactionsView(cmd, await this.messages.addReaction(reactionInput(cmd)));
  }

  @CommandHandler(Commands.HISTORY_REACTION_REMOVE)
  async removeReaction(cmd: RemoveReactionCommand): Promise<ReactionsView> {
    return reactionsView(cmd, await this.messages.removeReaction(reactionInput(cmd)));
  }

  @CommandHandler(Commands.HISTORY_SUMMARY)
  async summary(cmd: SummarizeRoomsCommand): Promise<RoomSummariesView> {
    return { rooms: (await this.messages.summary(cmd.roomIds)).map(toSummaryView) };
  }

  @CommandHandler(Commands.HISTORY_READ_SPAN)
  async readSpan(cmd: ReadSpanCommand): Promise<ReadSpanView> {
    const { upTo, authors } = await this.messages.readSpan({
      roomId: cmd.roomId,
      afterSeq: cmd.afterSeq,
      seq: cmd.seq,
    });
    return { upTo, authors };
  }

  @CommandHandler(Commands.HISTORY_SEARCH)
  async search(cmd: SearchMessagesCommand): Promise<MessageSearchView> {
    const { messages, hasMore } = await this.messages.search({
      rooms: cmd.rooms.map((r) => ({ roomId: r.roomId, visibleFrom: time(r.visibleFrom) })),
      query: cmd.query,
      limit: cmd.limit,
      beforeId: cmd.beforeId,
      viewerId: cmd.viewerId,
    });
    const view: MessageSearchView = { messages: messages.map(toMessageView), hasMore };
    if (hasMore) view.nextBeforeId = messages[messages.length - 1].id;
    return view;
  }

  @CommandHandler(Commands.HISTORY_EXPORT_PAGE)
  async exportPage(cmd: ExportPageCommand): Promise<MessagePageView> {
    return toPageView(
      await this.messages.exportPage({ roomId: cmd.roomId, afterSeq: cmd.afterSeq, limit: cmd.limit }),
    );
  }

  @CommandHandler(Commands.HISTORY_RETENTION_GET)
  async getRetention(cmd: GetRetentionCommand): Promise<RetentionView> {
    return { roomId: cmd.roomId.toLowerCase(), days: await this.messages.getRetention(cmd.roomId) };
  }

  @CommandHandler(Commands.HISTORY_RETENTION_SET)
  async setRetention(cmd: SetRetentionCommand): Promise<RetentionView> {
    return { roomId: cmd.roomId.toLowerCase(), days: await this.messages.setRetention(cmd.roomId, cmd.days) };
  }
}

function reactionInput(cmd: AddReactionCommand | RemoveReactionCommand): ReactionInput {
  return { roomId: cmd.roomId, messageId: cmd.messageId, userId: cmd.userId, emoji: cmd.emoji };
}

function reactionsView(cmd: { roomId: string; messageId: string }, result: ReactionResult): ReactionsView {
  return {
    roomId: cmd.roomId.toLowerCase(),
    messageId: cmd.messageId.toLowerCase(),
    reactions: result.reactions.map(toReactionView),
  };
}

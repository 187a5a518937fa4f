import { Equals, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Limits } from '../limits';
import { IsWellFormedText, MaxCodePoints } from '../validators';
import { IsId } from '../ids';
import type { MessagePageView, SendResultView } from '../views';

/** Internal commands of the history service (queue `happychat.history.commands`): access was checked by the caller. */
export const HistoryCommands = {
  HISTORY_APPEND: 'history.append',
  HISTORY_PAGE: 'history.page',
} as const;
const C = HistoryCommands;

/** Internal (room → history): store a message that already passed every room check. */
export class AppendMessageCommand {
  static readonly TYPE = C.HISTORY_APPEND;
  @Equals(C.HISTORY_APPEND) type: typeof C.HISTORY_APPEND;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsId() senderId: string;
  @IsString() @Length(1, Limits.CLIENT_MSG_ID_MAX) clientMsgId: string;
  @IsIn(['text', 'image', 'emoticon', 'system']) kind: 'text' | 'image' | 'emoticon' | 'system';
  @IsString() @IsWellFormedText() @MaxCodePoints(Limits.MESSAGE_MAX_CHARS) content: string;
}

/** Internal (room → history): a page of a room's log; the room service already checked access. */
export class PageMessagesCommand {
  static readonly TYPE = C.HISTORY_PAGE;
  @Equals(C.HISTORY_PAGE) type: typeof C.HISTORY_PAGE;
  @Equals(1) v: 1;
  @IsId() roomId: string;
  @IsOptional() @IsInt() @Min(1) beforeSeq?: number;
  @IsOptional() @IsInt() @Min(0) afterSeq?: number;
  @IsInt() @Min(1) @Max(Limits.PAGE_MAX) limit: number;
}

export interface HistoryCommandResults {
  [C.HISTORY_APPEND]: SendResultView;
  [C.HISTORY_PAGE]: MessagePageView;
}

export const HistoryCommandClasses = {
  [C.HISTORY_APPEND]: AppendMessageCommand,
  [C.HISTORY_PAGE]: PageMessagesCommand,
} as const;

import { Equals, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Limits } from '../limits';
import { IsWellFormedText, MaxCodePoints } from '../validators';
import { IsId } from '../ids';
import type { MessagePageView, SendResultView } from '../views';

/**
 * Message commands as people issue them. They go to the room service (queue
 * `happychat.room.commands`), the policy point, which then asks the history service.
 */
export const MessageCommands = {
  MESSAGE_SEND: 'message.send',
  MESSAGE_LIST: 'message.list',
} as const;
const C = MessageCommands;

export class SendMessageCommand {
  static readonly TYPE = C.MESSAGE_SEND;
  @Equals(C.MESSAGE_SEND) type: typeof C.MESSAGE_SEND;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsString()
  @Length(1, Limits.CLIENT_MSG_ID_MAX)
  @Matches(/^[\x21-\x7e]+$/, { message: 'clientMsgId must be printable ASCII' })
  clientMsgId: string;
  @IsIn(['text']) kind: 'text';
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'content must not be blank' })
  @MaxCodePoints(Limits.MESSAGE_MAX_CHARS)
  content: string;
}

export class ListMessagesCommand {
  static readonly TYPE = C.MESSAGE_LIST;
  @Equals(C.MESSAGE_LIST) type: typeof C.MESSAGE_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsOptional() @IsInt() @Min(1) beforeSeq?: number;
  @IsOptional() @IsInt() @Min(0) afterSeq?: number;
  @IsOptional() @IsInt() @Min(1) @Max(Limits.PAGE_MAX) limit?: number;
}

export interface MessageCommandResults {
  [C.MESSAGE_SEND]: SendResultView;
  [C.MESSAGE_LIST]: MessagePageView;
}

export const MessageCommandClasses = {
  [C.MESSAGE_SEND]: SendMessageCommand,
  [C.MESSAGE_LIST]: ListMessagesCommand,
} as const;

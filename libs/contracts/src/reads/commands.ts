import { Equals, IsInt, Min } from 'class-validator';
import { IsId } from '../ids';
import type { ReadPositionView } from '../views';

/** Read positions (queue `happychat.room.commands`): how far each member has read each room. */
export const ReadCommands = {
  READ_MARK: 'read.mark',
  READ_POSITIONS_LIST: 'read.positions.list',
} as const;
const C = ReadCommands;

/** Move the actor's read position in a room forward to `seq` (never backward). */
export class MarkReadCommand {
  static readonly TYPE = C.READ_MARK;
  @Equals(C.READ_MARK) type: typeof C.READ_MARK;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
  @IsInt() @Min(0) seq: number;
}

/** Every member's read position in a room (for read receipts); members only. */
export class ListReadPositionsCommand {
  static readonly TYPE = C.READ_POSITIONS_LIST;
  @Equals(C.READ_POSITIONS_LIST) type: typeof C.READ_POSITIONS_LIST;
  @Equals(1) v: 1;
  @IsId() actorId: string;
  @IsId() roomId: string;
}

export interface ReadCommandResults {
  [C.READ_MARK]: ReadPositionView;
  [C.READ_POSITIONS_LIST]: { positions: ReadPositionView[] };
}

export const ReadCommandClasses = {
  [C.READ_MARK]: MarkReadCommand,
  [C.READ_POSITIONS_LIST]: ListReadPositionsCommand,
} as const;

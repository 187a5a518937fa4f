import { Injectable } from '@nestjs/common';
import { Commands, ListReadPositionsCommand, MarkReadCommand, ReadPositionView } from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { ReadsService } from './reads.service';

@Injectable()
export class ReadsHandler {
  constructor(private readonly reads: ReadsService) {}

  @CommandHandler(Commands.READ_MARK)
  mark(cmd: MarkReadCommand): Promise<ReadPositionView> {
    return this.reads.mark(cmd.actorId, cmd.roomId, cmd.seq);
  }

  @CommandHandler(Commands.READ_POSITIONS_LIST)
  async list(cmd: ListReadPositionsCommand): Promise<{ positions: ReadPositionView[] }> {
    return { positions: await this.reads.list(cmd.actorId, cmd.roomId) };
  }
}

import { Injectable } from '@nestjs/common';
import { Commands, ListPresenceCommand, PresenceView } from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { PresenceService } from './presence.service';

@Injectable()
export class PresenceHandler {
  constructor(private readonly presence: PresenceService) {}

  @CommandHandler(Commands.PRESENCE_LIST)
  async list(cmd: ListPresenceCommand): Promise<{ presence: PresenceView[] }> {
    return { presence: await this.presence.list(cmd.actorId, cmd.roomId) };
  }
}

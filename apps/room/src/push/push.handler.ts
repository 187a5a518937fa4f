import { Injectable } from '@nestjs/common';
import { Commands, PushConfigView, PushSubscribeCommand, PushUnsubscribeCommand } from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { PushService } from './push.service';

@Injectable()
export class PushHandler {
  constructor(private readonly push: PushService) {}

  @CommandHandler(Commands.PUSH_CONFIG_GET)
  config(): PushConfigView {
    return this.push.publicConfig();
  }

  @CommandHandler(Commands.PUSH_SUBSCRIBE)
  subscribe(cmd: PushSubscribeCommand): Promise<{ subscribed: true }> {
    return this.push.subscribe(cmd);
  }

  @CommandHandler(Commands.PUSH_UNSUBSCRIBE)
  unsubscribe(cmd: PushUnsubscribeCommand): Promise<{ removed: boolean }> {
    return this.push.unsubscribe(cmd.actorId, cmd.sessionId);
  }
}

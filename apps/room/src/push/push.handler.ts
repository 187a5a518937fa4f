import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import {
  Commands,
  PushConfigView,
  PushSubscribeCommand,
  PushUnsubscribeCommand,
  Queues,
  UserSessionRevokedNotice,
} from '@app/contracts';
import { CommandHandler, EventConsumer } from '@app/messaging';
import { PushService } from './push.service';

@Injectable()
export class PushHandler implements OnApplicationBootstrap {
  constructor(
    private readonly push: PushService,
    private readonly consumer: EventConsumer,
  ) {}

  /** A revoked session (signed out, password changed, deactivated) gets no more pushes. */
  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.subscribe({
      queue: Queues.ROOM_SESSION_REVOCATIONS,
      contract: UserSessionRevokedNotice,
      handle: async (event) => void (await this.push.unsubscribe(event.userId, event.sessionId)),
    });
  }

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

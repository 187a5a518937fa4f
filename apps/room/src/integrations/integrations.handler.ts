import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import {
  BOT_COMMAND_MAX_BYTES,
  BotMessageSendCommand,
  Commands,
  IntegrationRevokedNotice,
  MemberView,
  Queues,
  RoomIntegrationAddCommand,
  RoomIntegrationRemoveCommand,
} from '@app/contracts';
import { CommandHandler, EventConsumer } from '@app/messaging';
import { IntegrationsService } from './integrations.service';

@Injectable()
export class IntegrationsHandler implements OnApplicationBootstrap {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly consumer: EventConsumer,
  ) {}

  /** Commands bots publish on `happychat.integrations`, shared by the room service instances. */
  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.subscribe({
      queue: Queues.ROOM_INTEGRATIONS,
      contract: BotMessageSendCommand,
      maxBytes: BOT_COMMAND_MAX_BYTES,
      handle: (cmd, delivery) => this.integrations.botSend(cmd, delivery),
      onInvalid: (body, delivery, reason) => this.integrations.botInvalid(body, delivery, reason),
    });
    await this.consumer.subscribe({
      queue: Queues.ROOM_INTEGRATION_REVOCATIONS,
      contract: IntegrationRevokedNotice,
      handle: (event) => this.integrations.leaveAllRooms(event.integrationId),
    });
  }

  @CommandHandler(Commands.ROOM_INTEGRATION_ADD)
  add(cmd: RoomIntegrationAddCommand): Promise<MemberView> {
    return this.integrations.add(cmd.actorId, cmd.roomId, cmd.integrationId, cmd.integrationName);
  }

  @CommandHandler(Commands.ROOM_INTEGRATION_REMOVE)
  async remove(cmd: RoomIntegrationRemoveCommand): Promise<Record<string, never>> {
    await this.integrations.remove(cmd.actorId, cmd.roomId, cmd.integrationId);
    return {};
  }
}

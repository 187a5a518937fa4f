import { Injectable } from '@nestjs/common';
import { Commands, MemberView } from '@app/contracts';
import { RpcClient } from '@app/messaging';

/** Adding a bot to a room asks two owners: auth (is it a live integration, and its name), then room. */
@Injectable()
export class RoomIntegrationsService {
  constructor(private readonly rpc: RpcClient) {}

  async add(actorId: string, roomId: string, integrationId: string): Promise<MemberView> {
    const bot = await this.rpc.request(Commands.INTEGRATION_GET, { actorId, integrationId });
    return this.rpc.request(Commands.ROOM_INTEGRATION_ADD, {
      actorId,
      roomId,
      integrationId: bot.id,
      integrationName: bot.name,
    });
  }
}

import { Injectable } from '@nestjs/common';
import { Commands, Limits, MessageView, SyncCursor, SyncRoomResult } from '@app/contracts';
import { toErrorPayload } from '@app/common';
import { RpcClient } from '@app/messaging';
import { GatewayConfig } from '../gateway.config';

const PARALLEL_ROOMS = 8;

/**
 * Fills the gap a client reports after (re)connecting, room by room, from history — the truth —
 * through the room service, which checks membership for each room. Exactly the missing
 * messages, or an explicit reload when the gap is too large to be worth sending.
 */
@Injectable()
export class ResyncService {
  constructor(
    private readonly rpc: RpcClient,
    private readonly config: GatewayConfig,
  ) {}

  async sync(userId: string, cursors: SyncCursor[]): Promise<SyncRoomResult[]> {
    const byRoom = new Map<string, number>();
    for (const c of cursors) byRoom.set(c.roomId, Math.min(byRoom.get(c.roomId) ?? c.afterSeq, c.afterSeq));
    const rooms = [...byRoom.entries()];
    const results: SyncRoomResult[] = new Array(rooms.length);
    let next = 0;
    const worker = async () => {
      while (next < rooms.length) {
        const i = next++;
        results[i] = await this.syncRoom(userId, rooms[i][0], rooms[i][1]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_ROOMS, rooms.length) }, worker));
    return results;
  }

  private async syncRoom(userId: string, roomId: string, afterSeq: number): Promise<SyncRoomResult> {
    const messages: MessageView[] = [];
    let after = afterSeq;
    try {
      for (;;) {
        const page = await this.rpc.request(Commands.MESSAGE_LIST, {
          actorId: userId,
          roomId,
          afterSeq: after,
          limit: Limits.PAGE_MAX,
        });
        messages.push(...page.messages);
        if (!page.hasMore || page.messages.length === 0) return { roomId, messages };
        if (messages.length >= this.config.RESYNC_MAX_MESSAGES) return { roomId, reload: true };
        after = page.messages[page.messages.length - 1].seq;
      }
    } catch (err) {
      return { roomId, error: toErrorPayload(err) };
    }
  }
}

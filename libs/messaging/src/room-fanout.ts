import { CommandBatchLimits } from '@app/contracts';

const SPACE = 0x20;
const NEWLINE = 0x0a;

/** One event in a `happychat.room.fanout` message: its room and its JSON bytes as published. */
export interface FanoutItem {
  roomId: string;
  raw: Buffer;
}

/** Lines of `<roomId> <event JSON>\n` (see ROOM_FANOUT_CONTENT_TYPE). */
export function encodeRoomFanout(items: readonly { roomId: string; json: string }[]): Buffer {
  return Buffer.from(items.map(({ roomId, json }) => `${roomId} ${json}\n`).join(''), 'utf8');
}

/**
 * Splits a fanout body into its events without copying them. A line without a room id is
 * skipped (and counted), not allowed to shift the rest.
 */
export function decodeRoomFanout(body: Buffer): { items: FanoutItem[]; malformed: number } {
  const items: FanoutItem[] = [];
  let malformed = 0;
  for (let start = 0; start < body.length;) {
    let end = body.indexOf(NEWLINE, start);
    if (end === -1) end = body.length;
    const space = body.indexOf(SPACE, start);
    if (space > start && space < end - 1) {
      items.push({ roomId: body.toString('latin1', start, space), raw: body.subarray(space + 1, end) });
    } else if (end > start) malformed++;
    start = end + 1;
  }
  return { items, malformed };
}

/** A fanout message holds at most what a command batch may, so neither side buffers without bound. */
export const RoomFanoutLimits = CommandBatchLimits;

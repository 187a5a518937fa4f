/**
 * The original spec's chat-log files, which an export reproduces: a folder per room holding
 * `session_info.json` and one `YYYY/MM/DD.json` per day with messages, content in base64.
 * Days are UTC days (chat_time carries its zone, so a reader can shift them).
 */

export interface SessionInfoFile {
  session_id: string;
  session_name: string;
  creator_id: string;
}

export interface ChatEntry {
  user_id: string;
  /** ISO 8601, UTC. */
  chat_time: string;
  /** text, image, emoticon or system. */
  chat_type: string;
  /** UTF-8 content, base64. */
  content: string;
}

export interface DayFile {
  chat: ChatEntry[];
}

/** What an exported message needs to carry. */
export interface ExportableMessage {
  senderId: string;
  createdAt: string | Date;
  kind: string;
  content: string;
}

export interface ExportRoomInfo {
  roomId: string;
  roomName: string;
  creatorId: string;
}

export function sessionInfoFile(info: ExportRoomInfo): SessionInfoFile {
  return { session_id: info.roomId, session_name: info.roomName, creator_id: info.creatorId };
}

export function sessionInfoPath(roomId: string): string {
  return `${roomId}/session_info.json`;
}

/** `<roomId>/YYYY/MM/DD.json` of the UTC day the message was sent. */
export function dayFilePath(roomId: string, createdAt: string | Date): string {
  const iso = new Date(createdAt).toISOString();
  return `${roomId}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}.json`;
}

export function toChatEntry(m: ExportableMessage): ChatEntry {
  return {
    user_id: m.senderId,
    chat_time: new Date(m.createdAt).toISOString(),
    chat_type: m.kind,
    content: Buffer.from(m.content, 'utf8').toString('base64'),
  };
}

export function exportFileName(roomId: string): string {
  return `happychat-room-${roomId}.zip`;
}

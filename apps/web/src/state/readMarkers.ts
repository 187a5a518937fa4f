/**
 * The last seq read per room, kept in localStorage per user so unread counts survive reloads.
 * (The server has no read receipts yet; this is per device.)
 */

const prefix = 'happychat.read.';

function load(userId: string): Record<string, number> {
  try {
    const raw = localStorage.getItem(prefix + userId);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}

export function getReadSeq(userId: string, roomId: string): number | undefined {
  const seq = load(userId)[roomId];
  return typeof seq === 'number' ? seq : undefined;
}

export function setReadSeq(userId: string, roomId: string, seq: number): void {
  const all = load(userId);
  if ((all[roomId] ?? -1) >= seq) return;
  all[roomId] = seq;
  try {
    localStorage.setItem(prefix + userId, JSON.stringify(all));
  } catch {
    /* ignore */
  }
}

import type { RoomView } from '../views';

/** A pending invitation to a group room, as the invited user sees it. */
export interface RoomInviteView {
  room: RoomView;
  invitedBy: string;
  invitedByName: string;
  createdAt: string;
}

/**
 * A link that lets whoever holds it join a group room. `token` is shown once, when the link is
 * created (only its hash is stored).
 */
export interface InviteLinkView {
  id: string;
  roomId: string;
  token?: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  /** Absent: unlimited until it expires. */
  maxUses?: number;
  uses: number;
}

export interface RoomImageView {
  contentType: 'image/png' | 'image/jpeg' | 'image/webp';
  /** The image bytes, base64. */
  data: string;
  updatedAt: string;
}

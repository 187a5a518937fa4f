import type { FriendListView } from '@app/contracts/friends/views';
import type { PresenceStatus } from '@app/contracts/presence/presence';
import type { RoomInviteView } from '@app/contracts/rooms/views';
import type { AttachmentView, MemberView, MessageView, RoomView, UserView } from '@app/contracts/views';
import type { StatusChange } from '../api/socket';

export interface Session {
  user: UserView;
  accessToken: string;
  /** ISO time the access token stops working. */
  expiresAt: string;
  /** The same moment on this device's clock (ms), measured from when the token arrived. */
  localExpiresAt?: number;
  /** Traded at `POST /auth/refresh` for a new pair; each one works once. */
  refreshToken?: string;
  refreshExpiresAt?: string;
}

/** The newest message we know of in a room, for the list preview. */
export interface RoomPreview {
  seq: number;
  senderId: string;
  kind: MessageView['kind'];
  content: string;
  createdAt: string;
}

export interface RoomEntry {
  room: RoomView;
  last?: RoomPreview;
  /** The room's newest seq as far as we know (deleted messages count). */
  lastSeq: number;
  /** How far I have read (from the server); undefined until known. */
  lastReadSeq?: number;
  /** ISO time used to sort the room list: newest message, or when the room appeared. */
  lastActivity: string;
  /** Local clock when this entry was added (a list fetched before then may not include it yet). */
  addedAt: number;
}

export type PendingStatus = 'pending' | 'failed';

/** A message typed here and not yet acknowledged by the server. */
export interface PendingMessage {
  clientMsgId: string;
  roomId: string;
  content: string;
  replyToId?: string;
  /** An image message: its images, uploaded already (the caption is `content`). */
  attachments?: AttachmentView[];
  createdAt: string;
  status: PendingStatus;
  error?: string;
}

export interface Timeline {
  /** Ascending by seq; unique by seq and by id. */
  messages: MessageView[];
  /** In the order they were typed; shown after every stored message. */
  pending: PendingMessage[];
  status: 'loading' | 'ready' | 'error';
  error?: { code: string; message: string };
  hasMoreOlder: boolean;
  loadingOlder: boolean;
  olderError?: string;
}

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

/** A room I can no longer read, and why (shown in place of the conversation). */
export interface ClosedRoom {
  name: string;
  reason: 'left' | 'kicked' | 'banned' | 'gone';
}

export interface PresenceEntry {
  status: PresenceStatus;
  lastSeenAt?: string;
}

/** A special-word effect playing over the conversation. */
export interface ActiveEffect {
  id: string;
  kind: string;
}

/** What I know about myself beyond the token's user. */
export interface MyProfile {
  statusText: string;
  hasAvatar: boolean;
  /** Changes whenever the avatar does, to refresh cached images. */
  avatarVersion: number;
  sessionId?: string;
}

export interface AppState {
  session: Session | null;
  /** Why the previous session ended (shown on the auth screen). */
  signedOutReason: string | null;
  connection: StatusChange;
  rooms: Record<string, RoomEntry>;
  roomsStatus: 'idle' | 'loading' | 'ready' | 'error';
  /** Rooms that were taken away while I had them (kicked, banned, left on another device). */
  closedRooms: Record<string, ClosedRoom>;
  timelines: Record<string, Timeline>;
  /** roomId → userId → member. */
  members: Record<string, Record<string, MemberView>>;
  /** roomId → userId → last read seq (read receipts). */
  reads: Record<string, Record<string, number>>;
  /** userId → presence. */
  presence: Record<string, PresenceEntry>;
  /** roomId → userId → local time the indicator expires. */
  typing: Record<string, Record<string, number>>;
  invites: RoomInviteView[];
  friends: FriendListView | null;
  profile: MyProfile | null;
  /** Names of people met anywhere (members, friends, search), for showing ids as names. */
  names: Record<string, string>;
  activeRoomId: string | null;
  effects: ActiveEffect[];
  toast: Toast | null;
}

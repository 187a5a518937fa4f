import type { MemberView, MessageView, RoomView, UserView } from '@app/contracts/views';
import type { StatusChange } from '../api/socket';

export interface Session {
  user: UserView;
  accessToken: string;
  expiresAt: string;
}

/** The newest message we know of in a room, for the list preview. */
export interface RoomPreview {
  seq: number;
  senderId: string;
  content: string;
  createdAt: string;
}

export interface RoomEntry {
  room: RoomView;
  last?: RoomPreview;
  /** ISO time used to sort the room list: newest message, or when the room appeared. */
  lastActivity: string;
  unread: number;
  /** Local clock when this entry was added (a list fetched before then may not include it yet). */
  addedAt: number;
}

export type PendingStatus = 'pending' | 'failed';

/** A message typed here and not yet acknowledged by the server. */
export interface PendingMessage {
  clientMsgId: string;
  roomId: string;
  content: string;
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

export interface AppState {
  session: Session | null;
  /** Why the previous session ended (shown on the auth screen). */
  signedOutReason: string | null;
  connection: StatusChange;
  rooms: Record<string, RoomEntry>;
  roomsStatus: 'idle' | 'loading' | 'ready' | 'error';
  timelines: Record<string, Timeline>;
  /** roomId → userId → member. */
  members: Record<string, Record<string, MemberView>>;
  activeRoomId: string | null;
  toast: Toast | null;
}

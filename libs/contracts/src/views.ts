/** What services return and events carry. Output shapes: built by mappers, never entities. */

export type UserRole = 'user' | 'admin' | 'guest';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  createdAt: string;
}

export interface AuthResultView {
  user: UserView;
  accessToken: string;
  /** ISO time the access token stops working. */
  expiresAt: string;
}

export type RoomKind = 'group' | 'direct' | 'topic';
export type MemberRole = 'owner' | 'admin' | 'member';

export interface RoomView {
  id: string;
  kind: RoomKind;
  name: string;
  ownerId: string;
  memberCount: number;
  createdAt: string;
  /** The caller's role, when the caller is a member. */
  myRole?: MemberRole;
}

export interface MemberView {
  userId: string;
  displayName: string;
  role: MemberRole;
  joinedAt: string;
}

export interface RoomDetailView extends RoomView {
  members: MemberView[];
}

export type MessageKind = 'text' | 'image' | 'emoticon' | 'system';

export interface MessageView {
  id: string;
  roomId: string;
  seq: number;
  senderId: string;
  kind: MessageKind;
  content: string;
  clientMsgId: string;
  createdAt: string;
}

export interface MessagePageView {
  /** Always in ascending seq order. */
  messages: MessageView[];
  /** More messages exist beyond this page in the direction asked. */
  hasMore: boolean;
}

export interface SendResultView {
  message: MessageView;
  /** True when this clientMsgId was seen before: nothing new was stored. */
  duplicate: boolean;
}

/** What services return and events carry. Output shapes: built by mappers, never entities. */

/** `bot`: an integration account (see docs/integrations.md); it never logs in over HTTP. */
export type UserRole = 'user' | 'admin' | 'guest' | 'bot';

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
  /** Opaque; trade it at `POST /auth/refresh` for a new pair. Each one works once. */
  refreshToken?: string;
  /** ISO time the refresh token stops working. */
  refreshExpiresAt?: string;
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
  /** Where the gateway serves the room's image (changes when the image does); absent without one. */
  imageUrl?: string;
  settings?: RoomSettingsView;
  /** Members the room may hold. */
  memberCap?: number;
  /** Topic rooms: what the room is about. */
  description?: string;
  /** When something was last said in the room (topic directory). */
  lastActivityAt?: string;
}

export interface RoomSettingsView {
  /** Minimum seconds between two messages of one member; 0 = off. Owners and admins are exempt. */
  slowModeSeconds: number;
  /** Whether messages in this room pass the profanity filter. */
  profanityFilter: boolean;
  /**
   * Who reads what was said before they joined: `shared` (default), every member reads the whole
   * log; `joined`, a member reads only what was said since their latest join.
   */
  historyVisibility: HistoryVisibility;
}

export const HISTORY_VISIBILITIES = ['shared', 'joined'] as const;
export type HistoryVisibility = (typeof HISTORY_VISIBILITIES)[number];

export interface MemberView {
  userId: string;
  displayName: string;
  role: MemberRole;
  joinedAt: string;
  /** Set while the member may not post. */
  mutedUntil?: string;
  /** The member chose a name for this room only (topic rooms). */
  anonymous?: boolean;
  /** The member is an integration (a bot, docs/integrations.md). */
  bot?: boolean;
  /**
   * Whether the user has an avatar at /users/:id/avatar (so clients ask only for pictures that
   * exist). Left out when the room service could not learn it from the auth service in time.
   */
  hasAvatar?: boolean;
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
  /** Empty for a deleted message (a tombstone keeps its seq). */
  content: string;
  clientMsgId: string;
  createdAt: string;
  /** Images of a `kind: image` message (uploaded first with POST /rooms/:roomId/attachments). */
  attachments?: AttachmentView[];
  /** Set when the author edited the content. */
  editedAt?: string;
  /** Set when the message was deleted: content and attachments are cleared, seq is kept. */
  deletedAt?: string;
  /** The message this one answers (same room). */
  replyToId?: string;
  /** One entry per emoji, most used first; `me` is whether the asking user reacted with it. */
  reactions?: ReactionView[];
  /** Special-word effects to animate with it (e.g. `confetti`), set at send time. */
  effects?: string[];
}

export interface AttachmentView {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  /** Pixels, when the image's header says (PNG, GIF, WebP, JPEG). */
  width?: number;
  height?: number;
}

export interface ReactionView {
  emoji: string;
  count: number;
  me: boolean;
}

export interface MessagePageView {
  /** Always in ascending seq order. */
  messages: MessageView[];
  /** More messages exist beyond this page in the direction asked (around: in either direction). */
  hasMore: boolean;
  /** Paging around a message: whether older / newer messages exist beyond this page. */
  hasMoreBefore?: boolean;
  hasMoreAfter?: boolean;
}

/** Search hits, newest first; pass `nextBeforeId` as `beforeId` for the next page. */
export interface MessageSearchView {
  messages: MessageView[];
  hasMore: boolean;
  nextBeforeId?: string;
}

/** The reactions of one message after a change. */
export interface ReactionsView {
  roomId: string;
  messageId: string;
  reactions: ReactionView[];
}

/** A room's position and last visible message: chat-list previews and unread counts (lastSeq − last read). */
export interface RoomSummaryView {
  roomId: string;
  /** 0 when nothing was ever said; deleted messages keep their seq, so this counts them. */
  lastSeq: number;
  /** The newest message that is not deleted, if any is left. */
  lastMessage?: MessageView;
}

export interface RoomSummariesView {
  rooms: RoomSummaryView[];
}

/**
 * What a read from `afterSeq` up to `seq` covers. `upTo`: `seq`, or the room's newest seq if that
 * is lower (no one marks the future read). `authors`: who wrote the visible messages (not notices,
 * not deleted) in (afterSeq, upTo], each once; null when the span holds more than
 * `HistoryLimits.READ_SPAN_MAX` messages.
 */
export interface ReadSpanView {
  upTo: number;
  authors: string[] | null;
}

/** What an export names its room by (the original spec's session_info.json). */
export interface ExportInfoView {
  roomId: string;
  roomName: string;
  creatorId: string;
}

/** A room's retention override; null = the global policy applies, 0 = keep forever. */
export interface RetentionView {
  roomId: string;
  days: number | null;
}

export interface SendResultView {
  message: MessageView;
  /** True when this clientMsgId was seen before: nothing new was stored. */
  duplicate: boolean;
}

/** How far one member has read one room. */
export interface ReadPositionView {
  roomId: string;
  userId: string;
  /** 0 when they have read nothing. */
  lastReadSeq: number;
  updatedAt: string;
}

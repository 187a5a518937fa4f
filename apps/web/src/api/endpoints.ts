import type {
  AuthResultView,
  MessagePageView,
  RoomDetailView,
  RoomView,
  SendResultView,
  UserView,
} from '@app/contracts/views';
import { request } from './http';

/** The REST endpoints the client uses, one typed function each. */

export interface RegisterInput {
  username: string;
  password: string;
  displayName?: string;
}

export const authApi = {
  register: (input: RegisterInput) => request<AuthResultView>('POST', '/auth/register', { body: input }),
  login: (username: string, password: string) =>
    request<AuthResultView>('POST', '/auth/login', { body: { username, password } }),
};

export interface PageQuery {
  beforeSeq?: number;
  afterSeq?: number;
  limit?: number;
}

/** Endpoints that need the access token. */
export function createApi(token: string) {
  return {
    me: () => request<UserView>('GET', '/me', { token }),
    listRooms: () => request<{ rooms: RoomView[] }>('GET', '/rooms', { token }),
    createRoom: (name: string) => request<RoomView>('POST', '/rooms', { token, body: { name } }),
    getRoom: (roomId: string) =>
      request<RoomDetailView>('GET', `/rooms/${encodeURIComponent(roomId)}`, { token }),
    joinRoom: (roomId: string) =>
      request<RoomView>('POST', `/rooms/${encodeURIComponent(roomId)}/join`, { token }),
    listMessages: (roomId: string, query: PageQuery = {}) =>
      request<MessagePageView>('GET', `/rooms/${encodeURIComponent(roomId)}/messages`, {
        token,
        query: { beforeSeq: query.beforeSeq, afterSeq: query.afterSeq, limit: query.limit },
      }),
    sendMessage: (roomId: string, clientMsgId: string, content: string) =>
      request<SendResultView>('POST', `/rooms/${encodeURIComponent(roomId)}/messages`, {
        token,
        body: { clientMsgId, content },
      }),
  };
}

export type Api = ReturnType<typeof createApi>;

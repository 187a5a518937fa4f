export const Limits = {
  /** Counted in Unicode code points, so an emoji is one character, as a person counts it. */
  MESSAGE_MAX_CHARS: 100_000,
  PAGE_DEFAULT: 50,
  PAGE_MAX: 100,
  CLIENT_MSG_ID_MAX: 64,
  REQUEST_ID_MAX: 64,
  ROOM_NAME_MAX: 100,
  DISPLAY_NAME_MAX: 50,
  USERNAME_MIN: 2,
  USERNAME_MAX: 32,
  PASSWORD_MIN: 8,
  PASSWORD_MAX: 256,
  /** A WebSocket text frame larger than this is refused before parsing. */
  WS_FRAME_MAX_BYTES: 512 * 1024,
} as const;

export const WS_PROTOCOL = 'happychat.v1';
/** Browsers cannot set headers on a WebSocket, so the access token rides in a subprotocol. */
export const WS_TOKEN_PROTOCOL_PREFIX = 'access_token.';
export const WS_PATH = '/ws';
export const API_PREFIX = 'api/v1';

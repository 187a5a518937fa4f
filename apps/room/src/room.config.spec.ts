import { loadConfig } from '@app/common';
import { RoomConfig } from './room.config';

describe('RoomConfig', () => {
  it('has the room defaults', () => {
    const config = loadConfig(RoomConfig, {});
    expect(config).toMatchObject({
      HTTP_PORT: 3002,
      ROOM_MEMBER_CAP: 100,
      TOPIC_ROOM_MEMBER_CAP: 20,
      ONE_ROOM_AT_A_TIME: false,
      INVITE_LINK_TTL_SECONDS: 7 * 24 * 3600,
      OUTBOX_ACK_TIMEOUT_MS: 3000,
      OUTBOX_POLL_INTERVAL_MS: 1000,
      OUTBOX_MAX_BACKOFF_MS: 30000,
    });
  });

  it('reads the caps from the environment', () => {
    expect(
      loadConfig(RoomConfig, { ROOM_MEMBER_CAP: '2', TOPIC_ROOM_MEMBER_CAP: '5', HTTP_PORT: '0' }),
    ).toMatchObject({ ROOM_MEMBER_CAP: 2, TOPIC_ROOM_MEMBER_CAP: 5, HTTP_PORT: 0 });
  });

  it.each(['1', '100001', 'many'])('refuses ROOM_MEMBER_CAP=%s', (cap) => {
    expect(() => loadConfig(RoomConfig, { ROOM_MEMBER_CAP: cap })).toThrow(/ROOM_MEMBER_CAP/);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['', false],
  ])('reads ONE_ROOM_AT_A_TIME=%p as %p', (raw, expected) => {
    expect(loadConfig(RoomConfig, { ONE_ROOM_AT_A_TIME: raw }).ONE_ROOM_AT_A_TIME).toBe(expected);
  });
});

import { loadConfig } from '@app/common';
import { RoomConfig } from './room.config';

describe('RoomConfig', () => {
  it('has the room defaults', () => {
    const config = loadConfig(RoomConfig, {});
    expect(config.HTTP_PORT).toBe(3002);
    expect(config.ROOM_MEMBER_CAP).toBe(100);
  });

  it('reads the cap from the environment', () => {
    expect(loadConfig(RoomConfig, { ROOM_MEMBER_CAP: '2', HTTP_PORT: '0' })).toMatchObject({
      ROOM_MEMBER_CAP: 2,
      HTTP_PORT: 0,
    });
  });

  it.each(['1', '100001', 'many'])('refuses ROOM_MEMBER_CAP=%s', (cap) => {
    expect(() => loadConfig(RoomConfig, { ROOM_MEMBER_CAP: cap })).toThrow(/ROOM_MEMBER_CAP/);
  });
});

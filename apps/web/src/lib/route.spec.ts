import { parseHash, parseInvite, routeHash } from './route';

const ROOM = '0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b';
const TOKEN = 'Zx8_k2-QwErTy1234567890abcdefGHIJKLmnopq';

describe('hash routes', () => {
  it('reads every screen, and anything else as home', () => {
    expect(parseHash(`#/room/${ROOM}`)).toEqual({ name: 'room', roomId: ROOM });
    expect(parseHash(`#/room/${ROOM}/settings`)).toEqual({ name: 'settings', roomId: ROOM });
    expect(parseHash(`#/join/${ROOM}?token=${TOKEN}`)).toEqual({ name: 'join', roomId: ROOM, token: TOKEN });
    expect(parseHash(`#/join/${ROOM}`)).toEqual({ name: 'join', roomId: ROOM, token: undefined });
    expect(parseHash('#/friends')).toEqual({ name: 'friends' });
    expect(parseHash('#/topics')).toEqual({ name: 'topics' });
    expect(parseHash('#/profile')).toEqual({ name: 'profile' });
    expect(parseHash('#/search')).toEqual({ name: 'search' });
    expect(parseHash('#/admin')).toEqual({ name: 'admin' });
    expect(parseHash('#/nowhere')).toEqual({ name: 'home' });
    expect(parseHash('')).toEqual({ name: 'home' });
  });

  it('writes what it reads', () => {
    for (const hash of [
      `#/room/${ROOM}`,
      `#/room/${ROOM}/settings`,
      `#/join/${ROOM}?token=${TOKEN}`,
      '#/friends',
      '#/search',
      '#/admin',
      '#/',
    ])
      expect(routeHash(parseHash(hash))).toBe(hash);
  });
});

describe('reading a pasted invite', () => {
  it('takes a whole link, an id and a token, or an id alone', () => {
    expect(parseInvite(`https://chat.example.org/#/join/${ROOM}?token=${TOKEN}`)).toEqual({
      roomId: ROOM,
      token: TOKEN,
    });
    expect(parseInvite(`  ${ROOM} ${TOKEN} `)).toEqual({ roomId: ROOM, token: TOKEN });
    expect(parseInvite(ROOM.toUpperCase())).toEqual({ roomId: ROOM, token: undefined });
  });

  it('refuses what holds no room id', () => {
    expect(parseInvite('hello')).toBeNull();
    expect(parseInvite('')).toBeNull();
  });
});

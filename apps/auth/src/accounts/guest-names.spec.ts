import { guestNickname } from './guest-names';
import { checkUsername } from './username';

describe('guestNickname', () => {
  it('is adjective + animal + number in Hangul, always a valid, unreserved username', () => {
    for (let i = 0; i < 500; i++) {
      const name = guestNickname();
      expect(name).toMatch(/^\p{Script=Hangul}+[1-9]\d{3}$/u);
      expect(checkUsername(name)).toEqual({ ok: true, value: name });
    }
  });

  it('widens the number on request', () => {
    expect(guestNickname(6)).toMatch(/^\p{Script=Hangul}+[1-9]\d{5}$/u);
  });
});

import { randomInt } from 'node:crypto';

/**
 * Guest nicknames: adjective + animal + number, in Korean, e.g. '용감한수달4821'. Every part is a
 * letter or digit, so a nickname is a valid username and a guest can keep it on registering.
 */
const ADJECTIVES = [
  '행복한',
  '용감한',
  '귀여운',
  '조용한',
  '씩씩한',
  '느긋한',
  '신나는',
  '졸린',
  '배고픈',
  '똑똑한',
  '수줍은',
  '명랑한',
  '다정한',
  '호기심많은',
  '부지런한',
  '엉뚱한',
] as const;

const ANIMALS = [
  '호랑이',
  '토끼',
  '고양이',
  '강아지',
  '판다',
  '여우',
  '펭귄',
  '다람쥐',
  '수달',
  '고래',
  '부엉이',
  '곰',
  '햄스터',
  '거북이',
  '돌고래',
  '너구리',
  '오리',
  '코알라',
  '알파카',
  '사슴',
] as const;

/** `digits` widens the number when shorter names keep colliding. */
export function guestNickname(digits = 4): string {
  const adjective = ADJECTIVES[randomInt(ADJECTIVES.length)];
  const animal = ANIMALS[randomInt(ANIMALS.length)];
  const number = randomInt(10 ** (digits - 1), 10 ** digits);
  return `${adjective}${animal}${number}`;
}

/** Stored as a guest's password hash: not an argon2 string, so no password ever verifies against it. */
export const GUEST_PASSWORD_HASH = '!guest';

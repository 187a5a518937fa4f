import { isReactionEmoji } from './emoji';

describe('isReactionEmoji', () => {
  it.each(['👍', '👍🏽', '❤️', '🇰🇷', '👨‍👩‍👧‍👦', '1️⃣', '🏳️‍🌈', ':tada:', ':party_parrot:', ':+1:', ':a-b:'])(
    'accepts %s',
    (emoji) => {
      expect(isReactionEmoji(emoji)).toBe(true);
    },
  );

  it.each([
    '',
    'a',
    'ok',
    '1',
    '👍👍',
    '👍 ',
    ' 👍',
    'thumbs up',
    ':Upper:',
    '::',
    `:${'a'.repeat(40)}:`,
    '<script>',
    '\u0000',
    '\ud83d',
    '👍\n',
    'x'.repeat(100),
  ])('refuses %p', (value) => {
    expect(isReactionEmoji(value)).toBe(false);
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 5, ['👍'], { emoji: '👍' }])
      expect(isReactionEmoji(value)).toBe(false);
  });
});

import { createEffectMatcher, DEFAULT_EFFECTS, EffectConfigError, parseEffectConfig } from '@app/text';

const effects = createEffectMatcher(DEFAULT_EFFECTS);

describe('effect matcher', () => {
  it.each([
    ['생일 축하해! 사랑해', ['balloons', 'confetti', 'hearts']],
    ['사랑해, 그리고 생일 축하해', ['hearts', 'balloons', 'confetti']],
    ['축하 축하 축하', ['confetti']],
    ['생일축하해요', ['balloons', 'confetti']],
    ['ㅊㅋㅊㅋ', ['confetti']],
    ['Congrats!! and congratulations', ['confetti']],
    ['CONGRATS', ['confetti']],
    ['congrats요', ['confetti']],
    ['Happy Birthday, love you', ['balloons', 'hearts']],
    ['happy   birthday', ['balloons']],
    ['Happy\nbirthday', ['balloons']],
    ['🎉', ['confetti']],
    ['party🎉time', ['confetti']],
    ['새해 복 많이 받으세요, happy new year', ['fireworks']],
  ])('%j → %j', (text, expected) => {
    expect(effects.match(text)).toEqual(expected);
  });

  it.each([
    '',
    '   ',
    'congratsbot says hi',
    'uncongrats',
    'happybirthday', // the space is part of the word
    'i love yours',
    '오늘 회의 몇 시야?',
  ])('finds nothing in %j', (text) => {
    expect(effects.match(text)).toEqual([]);
  });

  it('matches whatever normalisation form the text and the words use', () => {
    const nfd = createEffectMatcher({ ['축하'.normalize('NFD')]: 'confetti', café: 'coffee' });
    expect(nfd.match('축하해')).toEqual(['confetti']);
    expect(nfd.match('CAFE\u0301!')).toEqual(['coffee']);
    expect(effects.match('생일 축하'.normalize('NFD'))).toEqual(['balloons', 'confetti']);
  });

  it('orders effects by the first appearance of any of their words', () => {
    const matcher = createEffectMatcher({ cake: 'balloons', wow: 'sparkles', birthday: 'balloons' });
    expect(matcher.match('wow, happy birthday! cake')).toEqual(['sparkles', 'balloons']);
    expect(matcher.match('cake? wow')).toEqual(['balloons', 'sparkles']);
  });

  it('reports a longer word that starts before a shorter one by its start', () => {
    const matcher = createEffectMatcher({ 'happy birthday': 'balloons', birthday: 'cake' });
    expect(matcher.match('happy birthday')).toEqual(['balloons', 'cake']);
  });

  it('scans a 100,000-character message', () => {
    const text = `${'그냥 평범한 대화 plain chat '.repeat(5000)}`.slice(0, 99_990) + ' 축하해 🎉';
    expect(effects.match(text)).toEqual(['confetti']);
  });

  it('rejects an empty word or a bad effect name', () => {
    expect(() => createEffectMatcher({ ' ': 'confetti' })).toThrow(EffectConfigError);
    expect(() => createEffectMatcher({ 축하: '' })).toThrow('effect name "" for "축하"');
    expect(() => createEffectMatcher({ 축하: 'con fetti' })).toThrow(EffectConfigError);
  });
});

describe('parseEffectConfig', () => {
  it('parses word=effect pairs, ignoring whitespace around them', () => {
    expect(parseEffectConfig('축하=confetti, congrats = confetti ,happy birthday=balloons')).toEqual({
      축하: 'confetti',
      congrats: 'confetti',
      'happy birthday': 'balloons',
    });
  });

  it('gives an empty config for an empty setting', () => {
    expect(parseEffectConfig('')).toEqual({});
    expect(parseEffectConfig('  ')).toEqual({});
  });

  it('accepts the same word twice when the effect is the same', () => {
    expect(parseEffectConfig('congrats=confetti,Congrats=confetti')).toEqual({
      congrats: 'confetti',
      Congrats: 'confetti',
    });
  });

  it.each([
    ['축하', 'effect config entry 1 ("축하"): expected exactly one "=", as in word=effect'],
    ['축하=confetti,a=b=c', 'effect config entry 2 ("a=b=c"): expected exactly one "="'],
    ['=confetti', 'effect config entry 1 ("=confetti"): the word before "=" is empty'],
    ['축하=', 'effect config entry 1 ("축하="): effect name "" must be letters, digits, "_" or "-"'],
    ['축하=con fetti', 'effect name "con fetti" must be'],
    ['축하=confetti,,생일=balloons', 'effect config entry 2 ("") is empty (doubled or trailing comma?)'],
    ['축하=confetti,', 'effect config entry 2 ("") is empty'],
    [
      'congrats=confetti,CONGRATS=hearts',
      'entry 2 ("CONGRATS=hearts"): "CONGRATS" is already mapped to "confetti"',
    ],
  ])('rejects %j', (input, message) => {
    expect(() => parseEffectConfig(input)).toThrow(EffectConfigError);
    expect(() => parseEffectConfig(input)).toThrow(message);
  });

  it('feeds createEffectMatcher', () => {
    const matcher = createEffectMatcher(parseEffectConfig('축하=confetti,congrats=confetti,생일=balloons'));
    expect(matcher.match('생일 축하! congrats')).toEqual(['balloons', 'confetti']);
  });
});

/**
 * Screen effects for trigger words ("별풍선"-style): `createEffectMatcher(config).match(text)` returns
 * the effect names whose words occur in a message, each once, in the order the words first appear.
 *
 * Approach: text and words are compared after NFC, lower-casing and collapsing whitespace runs to one
 * space, with one Aho-Corasick pass over the code points (linear in the text, any number of words).
 * Words written in scripts without spaces (Hangul, Han, kana, Thai) match anywhere, so "축하" fires
 * in "생일축하해요"; other words need a word boundary at each end that is a letter or digit, so
 * "congrats" fires in "Congrats!!" and "congrats요" but not in "congratsbot"; an edge that is not
 * a letter (an emoji word like "🎉") needs no boundary.
 *
 * Limits: no evasion handling (unlike the profanity filter, nobody hides a "congrats"), no stemming
 * ("congratulations" must be listed on its own), and Korean words can fire inside longer words
 * ("생일" inside "생일날" is intended; "사랑해" inside "사랑해서" too).
 */
import { AhoCorasick } from './aho-corasick';

/** Word → effect name. The client decides what an effect name looks like on screen. */
export const DEFAULT_EFFECTS: Readonly<Record<string, string>> = Object.freeze({
  축하: 'confetti',
  ㅊㅋ: 'confetti',
  congrats: 'confetti',
  congratulations: 'confetti',
  '🎉': 'confetti',
  사랑해: 'hearts',
  'love you': 'hearts',
  생일: 'balloons',
  'happy birthday': 'balloons',
  새해: 'fireworks',
  'happy new year': 'fireworks',
});

export class EffectConfigError extends Error {
  override readonly name = 'EffectConfigError';
}

export interface EffectMatcher {
  /** Distinct effect names, in order of the first appearance of one of their words. */
  match(text: string): string[];
}

const EFFECT_NAME = /^[a-z0-9][a-z0-9_-]*$/i;
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
const SPACELESS = /^[\p{sc=Hangul}\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}]$/u;

function normalise(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ');
}

function needsBoundary(ch: string): boolean {
  return WORD_CHAR.test(ch) && !SPACELESS.test(ch);
}

/**
 * Parses `"축하=confetti,congrats=confetti"` (the shape of an env setting). Whitespace around words
 * and names is ignored; an empty string gives `{}`. Throws `EffectConfigError` naming the entry for
 * an empty entry, a missing or extra `=`, an empty word, a bad effect name (letters, digits, `_`, `-`)
 * or one word given two different effects.
 */
export function parseEffectConfig(input: string): Record<string, string> {
  const config: Record<string, string> = {};
  if (input.trim() === '') return config;
  input.split(',').forEach((rawEntry, index) => {
    const entry = rawEntry.trim();
    const where = `effect config entry ${index + 1} ("${entry}")`;
    if (entry === '') throw new EffectConfigError(`${where} is empty (doubled or trailing comma?)`);
    const parts = entry.split('=');
    if (parts.length !== 2)
      throw new EffectConfigError(`${where}: expected exactly one "=", as in word=effect`);
    const [word, effect] = parts.map((part) => part.trim());
    if (word === '') throw new EffectConfigError(`${where}: the word before "=" is empty`);
    if (!EFFECT_NAME.test(effect)) {
      throw new EffectConfigError(`${where}: effect name "${effect}" must be letters, digits, "_" or "-"`);
    }
    const previous = Object.entries(config).find(([known]) => normalise(known) === normalise(word));
    if (previous !== undefined && previous[1] !== effect) {
      throw new EffectConfigError(`${where}: "${word}" is already mapped to "${previous[1]}"`);
    }
    config[word] = effect;
  });
  return config;
}

interface Trigger {
  effect: string;
  length: number;
  leftBound: boolean;
  rightBound: boolean;
}

class Matcher implements EffectMatcher {
  constructor(
    private readonly automaton: AhoCorasick,
    private readonly triggers: readonly Trigger[],
  ) {}

  match(text: string): string[] {
    const chars = [...normalise(text)];
    const codes = chars.map((ch) => ch.codePointAt(0) as number);
    const firstSeen = new Map<string, number>();
    this.automaton.scan(codes, codes.length, (id, end) => {
      const trigger = this.triggers[id];
      const start = end - trigger.length + 1;
      const seen = firstSeen.get(trigger.effect);
      if (seen !== undefined && seen <= start) return;
      if (trigger.leftBound && start > 0 && needsBoundary(chars[start - 1])) return;
      if (trigger.rightBound && end + 1 < chars.length && needsBoundary(chars[end + 1])) return;
      firstSeen.set(trigger.effect, start);
    });
    return [...firstSeen.entries()].sort((a, b) => a[1] - b[1]).map(([effect]) => effect);
  }
}

/** Compiles `config` (word → effect name) once. Throws `EffectConfigError` for an empty word or a bad name. */
export function createEffectMatcher(config: Readonly<Record<string, string>>): EffectMatcher {
  const automaton = new AhoCorasick();
  const triggers: Trigger[] = [];
  for (const [word, effect] of Object.entries(config)) {
    const chars = [...normalise(word).trim()];
    if (chars.length === 0) throw new EffectConfigError(`effect word for "${effect}" is empty`);
    if (!EFFECT_NAME.test(effect)) {
      throw new EffectConfigError(
        `effect name "${effect}" for "${word}" must be letters, digits, "_" or "-"`,
      );
    }
    automaton.add(
      chars.map((ch) => ch.codePointAt(0) as number),
      triggers.length,
    );
    triggers.push({
      effect,
      length: chars.length,
      leftBound: needsBoundary(chars[0]),
      rightBound: needsBoundary(chars[chars.length - 1]),
    });
  }
  return new Matcher(automaton.build(), triggers);
}

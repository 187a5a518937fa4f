/**
 * Profanity softening: `createProfanityFilter().mask(text)` replaces every character of each
 * profane span with `*` and leaves the rest of the text exactly as it was.
 *
 * Approach: the text is turned into a normalised shadow (see shadow.ts) that remembers, for each
 * shadow unit, which original characters produced it. Runs of an identical unit are collapsed into
 * (unit, count), words are compiled the same way into an Aho-Corasick automaton at construction, and
 * one left-to-right pass finds every candidate, so the cost is linear in the text. Each candidate is
 * then checked against the rules the automaton cannot express, and the original span of each
 * survivor is masked, one `*` per grapheme (so an emoji or an accented letter becomes one star and a
 * surrogate pair is never split).
 *
 * Rules checked per candidate:
 * - repeated letters: the text's run must be at least as long as the word's ("fuuuck" ✓, "as" ≠ "ass").
 * - whole words for non-Hangul entries (no letter or digit directly before/after, unless the entry
 *   opens that side with `*`), which keeps "class", "Dickens", "cocktail", "Scunthorpe" clean.
 * - Hangul syllable integrity: a match never takes part of a syllable ("시바" does not match "시방",
 *   "꺼져" does not match "꺼졌다", "ㅗ" does not match the ㅗ inside "오").
 * - spread-out spelling ("f u c k", "씨 발", "f.u.c.k"): a match may skip up to three separators
 *   between letters, but only if the word has at least four letters/jamo and the match starts and
 *   ends on a separator boundary (or next to a lone jamo: "ㅋㅋ씨 발ㅋㅋ"), so "3시 발표" or
 *   "로그인 시 발급" are not "시발"; never across a line break.
 * - at least one real letter, so "455" is not "ass".
 * - allow-list: a match that lies inside an allowed word ("시발점", "꺼져 있어") is dropped.
 *
 * Known limits (documented trade-offs, not bugs):
 * - Korean has no spaces between morphemes, so Korean words match as substrings. That catches
 *   "씨발놈아" but also hits innocent compounds; the allow-list covers the common ones (시발점, 시바견,
 *   병신경, 등신대, 불이 꺼져 있어...) and operators add more. Still flagged: "불이 꺼져." (sentence-final
 *   "went out"), 병신년 (丙申年, the year 2016), a "시" (poem/city) followed by a spaced 발- word that
 *   stands alone ("그 시 발 아파" reads as 시발).
 * - Whole-word English words that are also innocent: "Dick" (a name), "cock" (rooster), "pussy"
 *   (cat), "ass" (donkey), "prick" (a pin prick). "*fuck*" and "*bitch*" are substrings on purpose.
 * - Not caught: self-censored spellings with a wildcard ("f*ck", "sh*t" — already softened), words
 *   split across lines, letters substituted by other letters ("fack", "shyt") unless listed, split
 *   Korean words with a particle glued to the last part ("병 신아"), "씨8" followed directly by Hangul
 *   (the digit is read as filler), respellings by sound that are not in the list, Latin letters
 *   inserted inside Korean words ("시x발").
 */
import { AhoCorasick } from './aho-corasick';
import { DEFAULT_ALLOW_WORDS, ENGLISH_WORDS, KOREAN_WORDS } from './profanity-words';
import {
  BREAK,
  buildShadow,
  FLAG_GAP,
  FLAG_LETTER,
  HANGUL_L,
  HANGUL_T,
  HANGUL_V,
  LATIN,
  OTHER,
  type Shadow,
} from './shadow';

export interface ProfanityFilterOptions {
  /** More words to mask, same syntax as the built-in lists (see profanity-words.ts). */
  extraWords?: readonly string[];
  /** More innocent words that contain a profane one; a match inside one is left alone. */
  allowWords?: readonly string[];
}

export interface MaskResult {
  text: string;
  /** Whether anything was masked. */
  masked: boolean;
  /** How many profane spans were masked (overlapping matches count once). */
  matches: number;
}

export interface ProfanityFilter {
  mask(text: string): MaskResult;
}

/** Splits a comma-separated setting such as `PROFANITY_EXTRA_WORDS` into words (blank entries dropped). */
export function parseWordList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((word) => word.trim())
    .filter((word) => word.length > 0);
}

const KIND_BLOCK = 0;
const KIND_ALLOW = 1;
/** Fewer letters than this and spread-out matching would turn "a S.S. officer" into "ass". */
const MIN_UNITS_TO_SPREAD = 4;
const MAX_VARIANTS = 256;

interface Pattern {
  kind: number;
  counts: Int32Array;
  leftBound: boolean;
  rightBound: boolean;
  firstCls: number;
  lastCls: number;
  mayCrossGaps: boolean;
}

const SPACELESS_ENTRY = /[\p{sc=Hangul}\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}]/u;
const CHOSEONG = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';
const JUNGSEONG = 'ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ';
const JONGSEONG = ['', ...'ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ'];

/** Alternatives for one character: a syllable may also be typed as its initial or spelled in jamo. */
function spellings(ch: string): { text: string; reduced: boolean }[] {
  const cp = ch.codePointAt(0) as number;
  if (cp < 0xac00 || cp > 0xd7a3) return [{ text: ch, reduced: false }];
  const index = cp - 0xac00;
  const initial = CHOSEONG[Math.floor(index / 588)];
  const final = JONGSEONG[index % 28];
  const options = [
    { text: ch, reduced: false },
    { text: initial, reduced: true },
  ];
  if (final !== '')
    options.push({ text: initial + JUNGSEONG[Math.floor((index % 588) / 28)] + final, reduced: false });
  return options;
}

function hangulVariants(word: string): string[] {
  const chars = [...word];
  const syllables = chars.filter((ch) => ch >= '\uac00' && ch <= '\ud7a3').length;
  let combos: { text: string; full: number }[] = [{ text: '', full: 0 }];
  for (const ch of chars) {
    let options = spellings(ch);
    if (combos.length * options.length > MAX_VARIANTS) options = options.slice(0, 2);
    if (combos.length * options.length > MAX_VARIANTS) options = options.slice(0, 1);
    combos = combos.flatMap((combo) =>
      options.map((option) => ({
        text: combo.text + option.text,
        full: combo.full + (option.reduced ? 0 : 1),
      })),
    );
  }
  const nonSyllables = chars.length - syllables;
  // An all-initials form ("ㅅㅂ") is only used when the list says so explicitly.
  return combos.filter((combo) => syllables === 0 || combo.full > nonSyllables).map((combo) => combo.text);
}

interface Runs {
  length: number;
  code: Int32Array;
  count: Int32Array;
  first: Int32Array;
  last: Int32Array;
}

/** Identical adjacent units become one run, except across a separator or a line break. */
function toRuns(shadow: Shadow): Runs {
  const n = shadow.length;
  const code = new Int32Array(n);
  const count = new Int32Array(n);
  const first = new Int32Array(n);
  const last = new Int32Array(n);
  let length = 0;
  for (let u = 0; u < n; u++) {
    const c = shadow.code[u];
    if (
      length > 0 &&
      code[length - 1] === c &&
      (shadow.flags[u] & FLAG_GAP) === 0 &&
      shadow.cls[u] !== BREAK
    ) {
      count[length - 1]++;
      last[length - 1] = u;
    } else {
      code[length] = c;
      count[length] = 1;
      first[length] = u;
      last[length] = u;
      length++;
    }
  }
  return { length, code, count, first, last };
}

class Compiler {
  readonly automaton = new AhoCorasick();
  readonly patterns: Pattern[] = [];
  private readonly seen = new Set<string>();

  add(raw: string, kind: number): void {
    const trimmed = raw.trim();
    if (trimmed === '') return;
    const leftOpen = trimmed.startsWith('*');
    const rightOpen = trimmed.length > 1 && trimmed.endsWith('*');
    const word = trimmed.slice(leftOpen ? 1 : 0, rightOpen ? -1 : undefined).trim();
    const spaceless = SPACELESS_ENTRY.test(word);
    const variants = spaceless && kind === KIND_BLOCK ? hangulVariants(word) : [word];
    for (const variant of variants) {
      const shadow = buildShadow(variant);
      if (shadow.length === 0) throw new Error(`Profanity word "${raw}" has no letters`);
      for (let u = 0; u < shadow.length; u++) {
        if (shadow.cls[u] === BREAK)
          throw new Error(`Profanity word "${raw}" spans lines or too many separators`);
      }
      const runs = toRuns(shadow);
      const pattern: Pattern = {
        kind,
        counts: runs.count.slice(0, runs.length),
        leftBound: !spaceless && !leftOpen,
        rightBound: !spaceless && !rightOpen,
        firstCls: shadow.cls[0],
        lastCls: shadow.cls[shadow.length - 1],
        mayCrossGaps: kind === KIND_BLOCK ? shadow.length >= MIN_UNITS_TO_SPREAD : /\s/u.test(word),
      };
      const codes = runs.code.slice(0, runs.length);
      const key = [
        kind,
        pattern.leftBound,
        pattern.rightBound,
        pattern.mayCrossGaps,
        ...codes,
        '|',
        ...pattern.counts,
      ].join(',');
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.automaton.add(codes, this.patterns.length);
      this.patterns.push(pattern);
    }
  }
}

const MARK = /^[\p{M}\p{Default_Ignorable_Code_Point}]$/u;
const markCache = new Map<number, boolean>();

/** Code points that belong to the character before them (accents, joiners, skin tones, NFD Hangul). */
function attaches(cp: number, previous: number): boolean {
  if (cp < 0x300 && cp !== 0xad) return false;
  if (cp >= 0x1f3fb && cp <= 0x1f3ff) return true;
  if (previous === 0x200d) return true; // emoji ZWJ sequence
  if ((cp >= 0x1161 && cp <= 0x11a7) || (cp >= 0xd7b0 && cp <= 0xd7c6)) {
    return (previous >= 0x1100 && previous <= 0x11a7) || (previous >= 0xac00 && previous <= 0xd7a3);
  }
  if ((cp >= 0x11a8 && cp <= 0x11ff) || (cp >= 0xd7cb && cp <= 0xd7fb)) {
    return (previous >= 0x1161 && previous <= 0x11ff) || (previous >= 0xac00 && previous <= 0xd7a3);
  }
  let mark = markCache.get(cp);
  if (mark === undefined) {
    mark = MARK.test(String.fromCodePoint(cp));
    markCache.set(cp, mark);
  }
  return mark;
}

/**
 * One `*` per user-perceived character of text[from, to), close to Unicode grapheme clusters (an
 * accented letter, a ZWJ emoji family, a flag or an NFD syllable is one star) without the cost of
 * Intl.Segmenter. Never splits a surrogate pair, so never produces a lone surrogate.
 */
function stars(text: string, from: number, to: number): string {
  let count = 0;
  let previous = -1;
  let pendingFlag = false;
  for (let i = from; i < to;) {
    const cp = text.codePointAt(i) as number;
    const regional = cp >= 0x1f1e6 && cp <= 0x1f1ff;
    if (regional && pendingFlag) pendingFlag = false;
    else if (!attaches(cp, previous)) {
      count++;
      pendingFlag = regional;
    }
    previous = cp;
    i += cp > 0xffff ? 2 : 1;
  }
  return '*'.repeat(count);
}

/** Extends a masked range over the marks and joiners that belong to its last character. */
function attachedEnd(text: string, end: number): number {
  while (end < text.length) {
    const cp = text.codePointAt(end) as number;
    if (!attaches(cp, text.codePointAt(end - 1) as number)) break;
    end += cp > 0xffff ? 2 : 1;
  }
  return end;
}

function startsToken(before: number): boolean {
  return before === BREAK || before === HANGUL_L;
}

class Filter implements ProfanityFilter {
  constructor(
    private readonly automaton: AhoCorasick,
    private readonly patterns: readonly Pattern[],
  ) {}

  mask(text: string): MaskResult {
    const unchanged = { text, masked: false, matches: 0 };
    if (text.length === 0) return unchanged;
    const shadow = buildShadow(text);
    const n = shadow.length;
    if (n === 0) return unchanged;
    const runs = toRuns(shadow);
    // Prefix counts of gaps and real letters, built on the first candidate (clean text needs none).
    let gapsUpTo: Int32Array | undefined;
    let lettersUpTo: Int32Array | undefined;
    const prefixes = (): [Int32Array, Int32Array] => {
      if (gapsUpTo === undefined || lettersUpTo === undefined) {
        gapsUpTo = new Int32Array(n);
        lettersUpTo = new Int32Array(n + 1);
        for (let u = 0, gaps = 0; u < n; u++) {
          if ((shadow.flags[u] & FLAG_GAP) !== 0) gaps++;
          gapsUpTo[u] = gaps;
          lettersUpTo[u + 1] = lettersUpTo[u] + ((shadow.flags[u] & FLAG_LETTER) !== 0 ? 1 : 0);
        }
      }
      return [gapsUpTo, lettersUpTo];
    };

    // Per first unit, the furthest last unit of a blocked / an allowed match starting there.
    let blockedEnd: Int32Array | undefined;
    let allowedEnd: Int32Array | undefined;
    this.automaton.scan(runs.code, runs.length, (id, endRun) => {
      const pattern = this.patterns[id];
      const firstRun = endRun - pattern.counts.length + 1;
      for (let k = 0; k < pattern.counts.length; k++) {
        if (runs.count[firstRun + k] < pattern.counts[k]) return;
      }
      const first = runs.first[firstRun];
      const last = runs.last[endRun];
      const [gaps, letters] = prefixes();
      if (!this.fits(shadow, pattern, first, last, gaps[last] - gaps[first] > 0)) return;
      if (pattern.kind === KIND_ALLOW) {
        allowedEnd ??= new Int32Array(n).fill(-1);
        allowedEnd[first] = Math.max(allowedEnd[first], last);
      } else if (letters[last + 1] - letters[first] > 0) {
        blockedEnd ??= new Int32Array(n).fill(-1);
        blockedEnd[first] = Math.max(blockedEnd[first], last);
      }
    });
    if (blockedEnd === undefined) return unchanged;
    return this.render(text, shadow, blockedEnd, allowedEnd) ?? unchanged;
  }

  private fits(shadow: Shadow, pattern: Pattern, first: number, last: number, crossesGap: boolean): boolean {
    const n = shadow.length;
    const joinedBefore = first > 0 && (shadow.flags[first] & FLAG_GAP) === 0;
    const joinedAfter = last + 1 < n && (shadow.flags[last + 1] & FLAG_GAP) === 0;
    const before = joinedBefore ? shadow.cls[first - 1] : BREAK;
    const after = joinedAfter ? shadow.cls[last + 1] : BREAK;
    if (crossesGap && !pattern.mayCrossGaps) return false;
    if (
      crossesGap &&
      pattern.kind === KIND_BLOCK &&
      !(startsToken(before) && this.endsToken(shadow, last, after))
    ) {
      return false;
    }
    if (pattern.leftBound && (before === LATIN || before === OTHER)) return false;
    if (pattern.rightBound && (after === LATIN || after === OTHER)) return false;
    // Never take part of a Hangul syllable.
    if (pattern.firstCls === HANGUL_V && (before === HANGUL_L || before === HANGUL_V)) return false;
    if (pattern.firstCls === HANGUL_T && before === HANGUL_V) return false;
    if (pattern.lastCls === HANGUL_L && after === HANGUL_V) return false;
    if (pattern.lastCls === HANGUL_V && (after === HANGUL_V || after === HANGUL_T)) return false;
    return true;
  }

  /** A separator, or a lone jamo such as the ㅋ of "씨 발ㅋㅋ" (a syllable's L is always followed by its V). */
  private endsToken(shadow: Shadow, last: number, after: number): boolean {
    if (after === BREAK) return true;
    if (after === HANGUL_V) return shadow.cls[last] === HANGUL_T;
    if (after !== HANGUL_L) return false;
    const next = last + 2;
    return next >= shadow.length || (shadow.flags[next] & FLAG_GAP) !== 0 || shadow.cls[next] !== HANGUL_V;
  }

  /**
   * Sweeps the matches in text order: drops those inside an allowed word, counts groups of
   * overlapping matches, and masks the union of what is left. Undefined when nothing is left.
   */
  private render(
    text: string,
    shadow: Shadow,
    blockedEnd: Int32Array,
    allowedEnd?: Int32Array,
  ): MaskResult | undefined {
    let out = '';
    let copied = 0;
    let matches = 0;
    let coveredTo = -1; // furthest last unit of an allowed word started so far
    let groupEnd = -1; // last unit of the current group of overlapping matches
    let maskFrom = -1;
    let maskTo = -1; // original range being masked (touching groups are masked together)
    const flush = (): void => {
      const to = attachedEnd(text, maskTo);
      out += text.slice(copied, maskFrom) + stars(text, maskFrom, to);
      copied = to;
    };
    for (let u = 0; u < shadow.length; u++) {
      if (allowedEnd !== undefined) coveredTo = Math.max(coveredTo, allowedEnd[u]);
      const last = blockedEnd[u];
      if (last < 0 || coveredTo >= last) continue;
      if (u > groupEnd) matches++;
      groupEnd = Math.max(groupEnd, last);
      const from = Math.max(shadow.start[u], copied);
      if (maskFrom >= 0 && from <= maskTo) {
        maskTo = Math.max(maskTo, shadow.end[last]);
        continue;
      }
      if (maskFrom >= 0) flush();
      maskFrom = Math.max(from, copied);
      maskTo = shadow.end[last];
    }
    if (matches === 0) return undefined;
    flush();
    return { text: out + text.slice(copied), masked: true, matches };
  }
}

/**
 * Compiles the built-in Korean and English lists plus `extraWords` once; keep the filter and call
 * `mask` per message. Throws if an extra or allowed word has no letters.
 */
export function createProfanityFilter(options: ProfanityFilterOptions = {}): ProfanityFilter {
  const compiler = new Compiler();
  for (const word of [...KOREAN_WORDS, ...ENGLISH_WORDS, ...(options.extraWords ?? [])]) {
    compiler.add(word, KIND_BLOCK);
  }
  for (const word of [...DEFAULT_ALLOW_WORDS, ...(options.allowWords ?? [])]) compiler.add(word, KIND_ALLOW);
  return new Filter(compiler.automaton.build(), compiler.patterns);
}

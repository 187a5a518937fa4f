/**
 * The "shadow" of a text: a normalised copy that pattern matching runs on, with a map from every
 * shadow unit back to the original UTF-16 range it came from, so a match can be masked in the
 * ORIGINAL text while everything around it stays byte-for-byte the same.
 *
 * Per code point of the original:
 * - NFKD (fullwidth, circled, mathematical letters, ligatures and compatibility jamo fold to plain
 *   forms), combining marks dropped (accents, zalgo), lower-cased, then look-alikes folded: Cyrillic
 *   and Greek homoglyphs to Latin, leetspeak digits and `@ $` to letters, and `l` merged with `i`
 *   (so `1`, `l`, `I` and `i` are one letter).
 * - Hangul syllables split into conjoining jamo (initial L, vowel V, final T), so "ㅅㅂ" typed as
 *   compatibility jamo, NFD-encoded Hangul and precomposed syllables share one alphabet. A syllable
 *   ㅇ+vowel right after a syllable ending in that same vowel ("씨이이발") becomes a repeat of the
 *   vowel, so it collapses like any repeated letter. Digits between two Hangul letters ("시1발")
 *   are ignored.
 * - Invisible code points (format characters, fillers, variation selectors) vanish. Spaces,
 *   punctuation, symbols and emoji are separators: they produce no unit but mark the next unit with
 *   GAP, so callers can tell "f u c k" (gaps inside) from "fuck". A line break, or more than
 *   MAX_GAP separators in a row, produces a BREAK unit that no pattern contains.
 */

export const LATIN = 1;
/** Letters of other alphabets that separate words with spaces (Greek, Cyrillic, Arabic...). */
export const OTHER = 2;
/** Scripts written without spaces between words (Han, kana, Thai): never a word-boundary problem. */
export const SPACELESS = 3;
export const HANGUL_L = 4;
export const HANGUL_V = 5;
export const HANGUL_T = 6;
export const BREAK = 7;

export const FLAG_GAP = 1;
/** The unit came from a real letter, not from a digit or symbol read as one ("a55" has one). */
export const FLAG_LETTER = 2;

const MAX_GAP = 3;
const BREAK_CODE = 0;

export interface Shadow {
  length: number;
  code: Int32Array;
  cls: Uint8Array;
  flags: Uint8Array;
  /** Original UTF-16 range [start, end) of each unit. */
  start: Int32Array;
  end: Int32Array;
}

export function isHangulClass(cls: number): boolean {
  return cls === HANGUL_L || cls === HANGUL_V || cls === HANGUL_T;
}

/** How one code point contributes to the shadow: a flat list of (code, class, flags) triples. */
type Contribution = readonly number[];
const INVISIBLE: Contribution = [];
const SEPARATOR: Contribution = [-1];
const BREAK_MARK: Contribution = [-2];

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

/** Homoglyphs (after lower-casing) that NFKD leaves alone. */
// prettier-ignore
const CONFUSABLES = new Map<number, string>(
  Object.entries({
    // Cyrillic
    а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
    і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', һ: 'h', ӏ: 'i', ԛ: 'q', ԝ: 'w', ү: 'y',
    // Greek
    α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
    // Latin letters without a decomposition
    ı: 'i', ł: 'i', ø: 'o', đ: 'd', ħ: 'h', ŧ: 't', ß: 's',
    ɑ: 'a', ɡ: 'g', ʏ: 'y',
    // Armenian
    ս: 'u', օ: 'o', հ: 'h', ո: 'n',
  }).map(([from, to]) => [from.codePointAt(0) as number, to]),
);

const BREAK_CHARS = new Set([0x0a, 0x0b, 0x0c, 0x0d, 0x85, 0x2028, 0x2029]);
const MARK = /^[\p{M}\p{Default_Ignorable_Code_Point}]$/u;
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;
const LETTER = /^\p{L}$/u;
const SPACELESS_SCRIPT =
  /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]$/u;

function latin(ch: string, isLetter: boolean): number[] {
  const mapped = LEET[ch] ?? ch;
  const code = (mapped === 'l' ? 'i' : mapped).charCodeAt(0);
  return [code, LATIN, isLetter ? FLAG_LETTER : 0];
}

function jamoClass(cp: number): number {
  if (cp === 0x115f || cp === 0x1160) return 0; // fillers: invisible
  if ((cp >= 0x1100 && cp <= 0x115e) || (cp >= 0xa960 && cp <= 0xa97c)) return HANGUL_L;
  if ((cp >= 0x1161 && cp <= 0x11a7) || (cp >= 0xd7b0 && cp <= 0xd7c6)) return HANGUL_V;
  if ((cp >= 0x11a8 && cp <= 0x11ff) || (cp >= 0xd7cb && cp <= 0xd7fb)) return HANGUL_T;
  return -1;
}

function contributionOf(cp: number): Contribution {
  if (BREAK_CHARS.has(cp)) return BREAK_MARK;
  if (cp >= 0xd800 && cp <= 0xdfff) return SEPARATOR; // a lone surrogate
  const original = String.fromCodePoint(cp);
  const out: number[] = [];
  for (const decomposed of original.normalize('NFKD')) {
    if (MARK.test(decomposed)) continue;
    for (const lower of decomposed.toLowerCase()) {
      if (MARK.test(lower)) continue;
      const c = lower.codePointAt(0) as number;
      const folded = CONFUSABLES.get(c);
      if (folded !== undefined) {
        out.push(...latin(folded, true));
        continue;
      }
      if (c < 0x80) {
        if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || lower === '@' || lower === '$')
          out.push(...latin(lower, c >= 0x61));
        continue;
      }
      const jamo = jamoClass(c);
      if (jamo > 0) out.push(c, jamo, FLAG_LETTER);
      if (jamo >= 0) continue;
      if (LETTER_OR_NUMBER.test(lower))
        out.push(c, SPACELESS_SCRIPT.test(lower) ? SPACELESS : OTHER, LETTER.test(lower) ? FLAG_LETTER : 0);
    }
  }
  if (out.length > 0) return out;
  return MARK.test(original) || jamoClass(cp) === 0 || cp === 0x3164 || cp === 0xffa0 ? INVISIBLE : SEPARATOR;
}

const ASCII: Contribution[] = Array.from({ length: 128 }, (_, cp) => contributionOf(cp));
/** Distinct non-ASCII, non-syllable code points in chat are few; keep what was computed. */
const cache = new Map<number, Contribution>();
const CACHE_MAX = 50_000;

function lookup(cp: number): Contribution {
  if (cp < 0x80) return ASCII[cp];
  let found = cache.get(cp);
  if (found === undefined) {
    found = contributionOf(cp);
    if (cache.size < CACHE_MAX) cache.set(cp, found);
  }
  return found;
}

function isHangulCodePoint(cp: number): boolean {
  return (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x3131 && cp <= 0x318e) || (cp >= 0x1100 && cp <= 0x11ff);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

export function buildShadow(text: string): Shadow {
  // A syllable gives three units; NFKD may give more (rare), hence the growth path in push().
  let capacity = text.length * 3 + 16;
  let code = new Int32Array(capacity);
  let cls = new Uint8Array(capacity);
  let flags = new Uint8Array(capacity);
  let start = new Int32Array(capacity);
  let end = new Int32Array(capacity);
  let length = 0;
  const push = (unitCode: number, unitCls: number, unitFlags: number, from: number, to: number): void => {
    if (length === capacity) {
      capacity *= 2;
      const grow = <T extends Int32Array | Uint8Array>(old: T, next: T): T => {
        next.set(old);
        return next;
      };
      code = grow(code, new Int32Array(capacity));
      cls = grow(cls, new Uint8Array(capacity));
      flags = grow(flags, new Uint8Array(capacity));
      start = grow(start, new Int32Array(capacity));
      end = grow(end, new Int32Array(capacity));
    }
    code[length] = unitCode;
    cls[length] = unitCls;
    flags[length] = unitFlags;
    start[length] = from;
    end[length] = to;
    length++;
  };
  const lastCls = (): number => (length > 0 ? cls[length - 1] : 0);
  let gap = 0;

  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    const gapFlag = gap > 0 ? FLAG_GAP : 0;

    if (cp >= 0xac00 && cp <= 0xd7a3) {
      const index = cp - 0xac00;
      const l = 0x1100 + Math.floor(index / 588);
      const v = 0x1161 + Math.floor((index % 588) / 28);
      const t = index % 28;
      const elongates = l === 0x110b && t === 0 && gap === 0 && length > 0 && code[length - 1] === v;
      if (!elongates) push(l, HANGUL_L, FLAG_LETTER | gapFlag, i, i + width);
      push(v, HANGUL_V, FLAG_LETTER, i, i + width);
      if (t !== 0) push(0x11a7 + t, HANGUL_T, FLAG_LETTER, i, i + width);
      gap = 0;
      i += width;
      continue;
    }

    if (cp >= 0x30 && cp <= 0x39 && gap === 0 && isHangulClass(lastCls())) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
      if (j < text.length && isHangulCodePoint(text.codePointAt(j) as number)) {
        i = j; // "시1발": filler digits between Hangul letters
        continue;
      }
    }

    if (
      (cp === 0x21 || cp === 0x7c) &&
      gap === 0 &&
      lastCls() === LATIN &&
      isAsciiLetter(text.charCodeAt(i + 1))
    ) {
      push(0x69, LATIN, 0, i, i + 1); // "sh!t", "b|tch"
      i += 1;
      continue;
    }

    const contribution = lookup(cp);
    if (contribution === SEPARATOR) {
      gap++;
      if (gap === MAX_GAP + 1) push(BREAK_CODE, BREAK, FLAG_GAP, i, i + width);
    } else if (contribution === BREAK_MARK) {
      if (lastCls() !== BREAK || gap > 0) push(BREAK_CODE, BREAK, FLAG_GAP, i, i + width);
      gap = 0;
    } else if (contribution.length > 0) {
      for (let k = 0; k < contribution.length; k += 3) {
        push(
          contribution[k],
          contribution[k + 1],
          contribution[k + 2] | (k === 0 ? gapFlag : 0),
          i,
          i + width,
        );
      }
      gap = 0;
    }
    i += width;
  }
  return { length, code, cls, flags, start, end };
}

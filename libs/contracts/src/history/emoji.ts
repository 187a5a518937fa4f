import { registerDecorator, ValidationOptions } from 'class-validator';
import { HistoryLimits } from './limits';

const SHORTCODE = new RegExp(`^:[a-z0-9_+-]{1,${HistoryLimits.EMOJI_CODE_MAX - 2}}:$`);
/** Something that draws as an emoji: a pictograph, a flag (regional indicators) or a keycap. */
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
const FORBIDDEN = /[\p{Cc}\s]/u;
/** The longest emoji ZWJ sequences are about 35 UTF-16 units. */
const EMOJI_MAX_UNITS = 64;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * A reaction is one emoji as a person sees it (a single grapheme cluster such as 👍🏽, 🇰🇷 or
 * 👨‍👩‍👧) or a short `:shortcode:` (lower case, digits, `_+-`) for custom emoticons.
 */
export function isReactionEmoji(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > EMOJI_MAX_UNITS) return false;
  if (SHORTCODE.test(value)) return true;
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed() || FORBIDDEN.test(value)) return false;
  let count = 0;
  for (const _ of graphemes.segment(value)) if (++count > 1) return false;
  return PICTOGRAPHIC.test(value);
}

export function IsReactionEmoji(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isReactionEmoji',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be a single emoji or a :shortcode:', ...options },
      validator: { validate: (value: unknown) => isReactionEmoji(value) },
    });
}

import { Injectable } from '@nestjs/common';
import {
  createEffectMatcher,
  createProfanityFilter,
  DEFAULT_EFFECTS,
  EffectMatcher,
  parseEffectConfig,
  parseWordList,
  ProfanityFilter,
} from '@app/text';
import { RoomConfig } from '../room.config';

export interface PolicyResult {
  content: string;
  /** Effect names to animate with the message, in order of first appearance. */
  effects: string[];
}

/**
 * What happens to text at send and edit time: profanity masked when the room has the filter
 * on, special-word effects attached. Built once at start (a malformed effects setting stops the
 * service there), then a few microseconds per short message.
 */
@Injectable()
export class TextPolicy {
  private readonly filter: ProfanityFilter;
  private readonly effects: EffectMatcher;

  constructor(config: RoomConfig) {
    this.filter = createProfanityFilter({
      extraWords: parseWordList(config.PROFANITY_EXTRA_WORDS),
      allowWords: parseWordList(config.PROFANITY_ALLOW_WORDS),
    });
    this.effects = createEffectMatcher(
      config.SPECIAL_WORD_EFFECTS.trim() ? parseEffectConfig(config.SPECIAL_WORD_EFFECTS) : DEFAULT_EFFECTS,
    );
  }

  apply(content: string, room: { profanityFilter: boolean }): PolicyResult {
    const masked = room.profanityFilter ? this.filter.mask(content).text : content;
    // Effects follow what people will see, so a masked word triggers nothing.
    return { content: masked, effects: this.effects.match(masked) };
  }
}

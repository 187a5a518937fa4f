export {
  createProfanityFilter,
  parseWordList,
  type MaskResult,
  type ProfanityFilter,
  type ProfanityFilterOptions,
} from './profanity';
export { DEFAULT_ALLOW_WORDS, ENGLISH_WORDS, KOREAN_WORDS } from './profanity-words';
export {
  createEffectMatcher,
  DEFAULT_EFFECTS,
  EffectConfigError,
  parseEffectConfig,
  type EffectMatcher,
} from './effects';

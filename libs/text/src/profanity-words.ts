/**
 * Built-in word lists for the profanity filter.
 *
 * Operators extend them without a code change: the room service reads `PROFANITY_EXTRA_WORDS`
 * (comma separated, e.g. `PROFANITY_EXTRA_WORDS=존나게,frak*`) and passes the words as
 * `createProfanityFilter({ extraWords })`; `PROFANITY_ALLOW_WORDS` would feed `allowWords` likewise.
 * Edit this file only for words every deployment should get.
 *
 * How an entry matches (the same rules apply to extra words):
 * - Spelling is normalised first (case, fullwidth, accents, leetspeak, look-alikes, jamo), so list
 *   one plain spelling; do not list "F U C K" or "ｆｕｃｋ".
 * - Entries with Hangul (or Han/kana/Thai) match anywhere, also inside longer words: Korean attaches
 *   particles and endings without spaces ("씨발놈아"). Each Hangul syllable may also be written as its
 *   initial consonant ("ㅅ발", "씨ㅂ") or spelled out in jamo ("ㅆㅣㅂㅏㄹ"); an all-initials form is
 *   NOT derived (too many innocent abbreviations: ㄱㅅ 감사, ㅅㅍ 스포), list it explicitly.
 * - Other entries match whole words only. A `*` at either end lets letters continue on that side:
 *   `bitch*` also matches "bitches", `*fuck*` also "motherfucker". Inflections without a `*` must be
 *   listed ("shit", "shitty"), which is how "shiitake" and "Scunthorpe" stay clean.
 * - Repeated letters match a longer run ("fuuuck"), never a shorter one ("ass" needs two s).
 */

// prettier-ignore
export const KOREAN_WORDS: readonly string[] = [
  // 씨발 and its many respellings
  '씨발', '시발', '씨바', '시바', '씨빨', '시빨', '씨팔', '시팔', '씨벌', '씨부랄', '씨부럴', '씨불', '씨봘',
  '쓰발', '쓰바', '쓰벌', '씌발', '쒸발', '씨8', '시8', '썅',
  // 씹 alone is also "to chew" (껌을 씹다), so only its insulting compounds
  '씹새끼', '씹새', '씹년', '씹놈', '씹창', '십새끼', '씨방새',
  '병신', '븅신', '빙신', '병딱', '븅딱', '등신',
  '개새끼', '개새기', '개색기', '개색끼', '개세끼', '개쉐이', '개쉑', '개쌔끼', '개새야', '개자식', '개놈', '개좆',
  '호로새끼', '호로자식', '후레자식',
  '좆', '좆같', '좆까', '존나',
  '지랄', '지럴',
  '미친놈', '미친년', '미친새끼',
  '꺼져', '닥쳐',
  '엿먹어', '엿이나 먹어',
  '니애미', '느금마', '니미럴', '니미랄', '니기미', '애미뒤진', '애비뒤진', '엠창',
  '염병할', '염병하네',
  '쌍년', '쌍놈',
  // slurs
  '한남충', '김치녀', '틀딱', '짱깨', '쪽바리',
  // initialisms and lone jamo, listed explicitly (see above)
  'ㅅㅂ', 'ㅆㅂ', 'ㅅㅃ', 'ㅆㅃ', 'ㅂㅅ', 'ㅄ', 'ㅈㄹ', 'ㅅㄲ', 'ㄱㅅㄲ', 'ㅈㄴ', 'ㅈㄲ', 'ㄲㅈ', 'ㄷㅊ', 'ㅗ',
];

// prettier-ignore
export const ENGLISH_WORDS: readonly string[] = [
  '*fuck*', '*fvck*', 'fuk', 'fuks', 'fuking', 'fukin', 'fucc', 'fck', 'fcking', 'fcuk*', 'phuck*', 'phuk',
  'shit', 'shits', 'shitty', 'shitter', 'shitters', 'shitting', 'shitted', 'shite',
  'shithead*', 'shithole*', 'shitface*', 'shitshow*', 'shitload*', 'shitstorm*',
  'bullshit*', 'horseshit', 'dipshit*', 'batshit', 'apeshit', 'chickenshit',
  '*bitch*', 'biatch*', 'biotch*',
  'ass', '*asshole*', 'asshat*', 'asswipe*', 'assclown*', 'jackass*', 'dumbass*', 'smartass*',
  'arse', 'arsehole*',
  'bastard*',
  'cunt*',
  'dick', 'dicks', 'dickhead*', 'dickface*', 'dickwad*',
  'cock', 'cocks', 'cocksucker*',
  'pussy', 'pussies',
  'prick', 'pricks',
  'twat*', 'wank', 'wanks', 'wanking', 'wanker*',
  'whore*', 'slut*', 'bollocks',
  'blowjob*', 'handjob*', 'jizz*',
  // slurs
  'nigger*', 'nigga', 'niggas', 'niggaz', 'faggot*', 'retard', 'retards', 'retarded',
];

/**
 * Innocent words that contain a listed word. A match lying entirely inside an allowed word is left
 * alone. An allowed word matches across spaces only where it has a space itself ("꺼져 있").
 */
// prettier-ignore
export const DEFAULT_ALLOW_WORDS: readonly string[] = [
  // 시발 "departure": 시발점 starting point, 시발역 first station, 시발자동차 (1955 car)
  '시발점', '시발역', '시발택시', '시발자동차',
  // "...시 발표/발생/발급..." (時 "when" + a 발- noun) typed without the space
  '시발표', '시발생', '시발급', '시발송', '시발견', '시발행', '시발효', '시발령', '시발사', '시발전', '시발동',
  // 시바 the dog, the brand, the Queen of Sheba
  '시바견', '시바이누', '시바 이누', '토시바', '시바의 여왕',
  // 병신경 "…disease nerve" (당뇨병신경병증), 질병신고 disease report
  '병신경', '질병신고', '염병신고',
  // 등신 "life-size": 등신대 standee, 팔등신 well-proportioned, 등신불 life-size Buddha
  '등신대', '팔등신', '칠등신', '구등신', '등신불',
  // 꺼져 "went out" (불이 꺼져 있어), 닥쳐 "approach" (닥쳐오는 위기, 시험이 닥쳐서)
  '꺼져서', '꺼져있', '꺼져 있', '꺼져버렸', '꺼져 버렸', '꺼져버린', '꺼져가', '꺼져도', '꺼져요', '꺼져야',
  '닥쳐오', '닥쳐온', '닥쳐올', '닥쳐와', '닥쳐왔', '닥쳐서', '닥쳐야',
];

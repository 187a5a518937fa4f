/**
 * Micro-benchmark for the profanity filter and the effect matcher: ns per UTF-16 code unit on
 * 100,000-character messages, next to a plain `text.toLowerCase()` as the baseline, in CPU time of
 * this process (the shared dev machine is often busy). Kept out of the unit tests on purpose: timings
 * vary per machine. No ts-node here, so compile and run:
 *
 *   npx tsc --outDir /tmp/text-bench --module commonjs --target ES2022 --lib ES2023 --types node \
 *     --skipLibCheck libs/text/bench.ts && node /tmp/text-bench/bench.js
 */
import { createEffectMatcher, createProfanityFilter, DEFAULT_EFFECTS } from './src';

const LENGTH = 100_000;

function repeatTo(sample: string, length: number): string {
  return sample.repeat(Math.ceil(length / sample.length)).slice(0, length);
}

const inputs: Record<string, string> = {
  'english clean': repeatTo('The quick brown fox jumps over the lazy dog, classy assessment. ', LENGTH),
  'korean clean': repeatTo('오늘 회의는 세 시에 시작합니다. 다들 시발점에서 만나요! ', LENGTH),
  'mixed, 1 in 10 words profane': repeatTo(
    'hello 친구 씨발 what the f.u.c.k 이건 ㅅㅂ 진짜 fine ok 좋아 ',
    LENGTH,
  ),
  'all profane': repeatTo('씨발fuck', LENGTH),
  'emoji and spaces': repeatTo('🎉 😀 👍🏽 ❤️ ', LENGTH),
  'one long word': 'f' + 'u'.repeat(LENGTH - 3) + 'ck',
};

function cpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

function nsPerChar(run: () => unknown, length: number): number {
  for (let i = 0; i < 3; i++) run(); // warm up
  const rounds = 10;
  const started = cpuNs();
  for (let i = 0; i < rounds; i++) run();
  return (cpuNs() - started) / rounds / length;
}

const startedBuild = cpuNs();
const filter = createProfanityFilter();
const builtMs = (cpuNs() - startedBuild) / 1e6;
const effects = createEffectMatcher(DEFAULT_EFFECTS);

console.log(`createProfanityFilter(): ${builtMs.toFixed(1)} ms`);
console.log('input'.padEnd(32), 'toLowerCase', 'mask ns/char', 'ratio', 'ms/100k', 'effects ns/char');
for (const [name, text] of Object.entries(inputs)) {
  const baseline = nsPerChar(() => text.toLowerCase(), text.length);
  const mask = nsPerChar(() => filter.mask(text), text.length);
  const effect = nsPerChar(() => effects.match(text), text.length);
  console.log(
    name.padEnd(32),
    baseline.toFixed(2).padStart(11),
    mask.toFixed(1).padStart(12),
    `${(mask / baseline).toFixed(0)}x`.padStart(5),
    ((mask * text.length) / 1e6).toFixed(1).padStart(7),
    effect.toFixed(1).padStart(15),
  );
}

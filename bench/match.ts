/**
 * Matching a push against a repository's goals (issue #8): 2,048 commits against 1,000
 * active keywords, in one pass (src/goals/match.ts). The baseline, measured in the same run,
 * is one plain pass over the same text (`toLowerCase` of every message): the least any
 * matcher must do, so the ratio says how much matching costs on top of reading the bytes.
 * Run: `npm run bench:match` (a few seconds).
 */
import { cpus } from 'node:os';
import { KeywordMatcher, type PushedCommit } from '../src/goals/match.js';

const goals = Array.from({ length: 1000 }, (_, i) => ({ keyword: `kw-${i + 1}` }));

function commits(messageBytes: number): PushedCommit[] {
  const words = 'fix the thing kw-10000 (refs kw-1x) Merge branch release/v1.2 into main: '.repeat(Math.ceil(messageBytes / 75)).slice(0, messageBytes);
  return Array.from({ length: 2048 }, (_, i) => ({ id: String(i), message: i === 2047 ? `${words} kw-500` : words, author: null }));
}

function best(runs: number, fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

// Warm the JIT on a small push first, so that the first row does not pay for compiling.
for (let i = 0; i < 20; i++) {
  const m = new KeywordMatcher(goals);
  for (const c of commits(500)) m.add(c);
}

const rows: string[] = [];
for (const size of [200, 4 * 1024, 64 * 1024]) {
  const list = commits(size);
  let sink = 0;
  const base = best(5, () => {
    for (const c of list) sink += c.message.toLowerCase().length;
  });
  const match = best(5, () => {
    const m = new KeywordMatcher(goals);
    for (const c of list) m.add(c);
    if (m.matches().length !== 1) throw new Error('kw-500 not found');
  });
  void sink;
  rows.push(`| 2,048 × ${size >= 1024 ? `${size / 1024} KB` : `${size} B`} | ${base.toFixed(1)} | ${match.toFixed(1)} | ${(match / base).toFixed(1)} |`);
}
console.log(
  [
    `### ${new Date().toISOString().slice(0, 10)} — matching, ${cpus().length}× ${cpus()[0]?.model.trim()}, Node ${process.version}`,
    '1,000 active keywords; best of 5 runs.',
    '',
    '| commits | baseline: lowercase every message, ms | KeywordMatcher, ms | ratio |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n'),
);
